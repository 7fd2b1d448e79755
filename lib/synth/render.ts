// Rendering: what cdktf's `App.synth()` does for every stack (aspects,
// validations, annotations, custom synthesis, the JSON), minus the file
// writes, plus the policy check and the refusal of cross-stack references.
// The document comes from one of two paths:
//  - fast: every element resolved once, merged with cdktf's deepMerge and
//    not resolved again as a whole (stack.toTerraform() resolves twice);
//  - public: `stack.toTerraform()`, when cdktf's internals are not what the
//    fast path needs (lib/synth/cdktf-internals.ts) or SYNTH_PUBLIC_PATH=1.
// Both give the same bytes (test/synth/seam.test.ts).
import {
  AnnotationMetadataEntryType,
  Annotations,
  App,
  Aspects,
  DefaultTokenResolver,
  StringConcat,
  TerraformDataSource,
  TerraformElement,
  TerraformHclModule,
  TerraformLocal,
  TerraformOutput,
  TerraformResource,
  TerraformVariable,
  TerraformStack,
  Tokenization,
  type IAspect,
  type Manifest,
  type StackAnnotation,
  type StackManifest,
} from 'cdktf';
import { ConstructOrder, type IConstruct } from 'constructs';
import { policiesOf, type StackDocument } from '../policy/aspect';
import { FAST_PATH, PLAIN_RESOLVE, publicPathWarning, runCustomSynthesis, terraformVersionValidation, type FastPathInternals, type PlainResolve } from './cdktf-internals';
import { unknownReferences } from './references';
import { stableStringify } from './serialize';

/** Synth stopped on a problem in the stacks (error annotations, failed validations, cross-stack references): the message says what to fix. */
export class SynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthError';
  }
}

/** Set to 1 to render through cdktf's public `stack.toTerraform()` (what synth falls back to when cdktf's internals change). */
export const PUBLIC_PATH_ENV = 'SYNTH_PUBLIC_PATH';

export interface RenderedStack {
  readonly name: string;
  readonly manifest: StackManifest;
  /** The cdk.tf.json content, byte for byte what cdktf would write. */
  readonly json: string;
  readonly warnings: readonly string[];
  /** Policy waivers: printed once by the command, never as errors. */
  readonly notices: readonly string[];
}

export interface RenderOptions {
  /** Render through `stack.toTerraform()`. @default SYNTH_PUBLIC_PATH=1, or cdktf's internals are not what the fast path needs */
  readonly publicPath?: boolean;
  /** Called after each stack is rendered (progress). @default none */
  readonly onStack?: () => void;
  /** Put the public path's warning (when cdktf's internals changed) on the first stack. @default true */
  readonly fallbackWarning?: boolean;
}

/** Whether rendering takes the public path, and the warning to print when that is not by request. */
export function renderPath(options: RenderOptions = {}): { fast: FastPathInternals | undefined; warning: string | undefined } {
  const requested = options.publicPath ?? process.env[PUBLIC_PATH_ENV] === '1';
  return requested ? { fast: undefined, warning: undefined } : { fast: FAST_PATH, warning: publicPathWarning() };
}

const ANNOTATION_LEVELS: readonly string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];
const TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Renders every stack of `app`, in construction order (cdktf's StackSynthesizer, minus the file write). */
export function renderStacks(app: App, options: RenderOptions = {}): RenderedStack[] {
  const { fast, warning } = renderPath(options);
  const session = { outdir: app.outdir, skipValidation: app.skipValidation, manifest: app.manifest };
  refuseCrossStackReferences(app);
  // As cdktf: every stack in the tree, not only the App's direct children.
  const stacks = app.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node));
  for (const stack of stacks) stack.ensureBackendExists();
  const rendered = stacks.map((stack) => {
    const one = renderStack(stack, session, fast);
    options.onStack?.();
    return one;
  });
  if (!app.skipValidation) {
    const problems = app.node.validate();
    if (problems.length > 0) throw new SynthError(`Synth failed: the app is not valid:\n  ${problems.join('\n  ')}`);
  }
  if (warning && options.fallbackWarning !== false && rendered.length > 0) return [{ ...rendered[0], warnings: [warning, ...rendered[0].warnings] }, ...rendered.slice(1)];
  return rendered;
}

function renderStack(stack: TerraformStack, session: { outdir: string; skipValidation: boolean; manifest: Manifest }, fast: FastPathInternals | undefined): RenderedStack {
  invokeAspects(stack);
  if (stack.hasResourceMove()) {
    stack.node.addValidation(terraformVersionValidation('>=1.5', 'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.'));
  }
  if (!session.skipValidation) {
    try {
      stack.runAllValidations();
    } catch (error) {
      throw new SynthError(`Synth failed: stack ${stack.node.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  runCustomSynthesis(stack.node.findAll(ConstructOrder.POSTORDER), session);
  const annotations: StackAnnotation[] = stack.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((entry) => ANNOTATION_LEVELS.includes(entry.type))
      .map((entry) => ({
        constructPath: node.node.path,
        level: entry.type as AnnotationMetadataEntryType,
        message: entry.data,
        stacktrace: entry.trace,
      })),
  );
  const manifest = { ...session.manifest.forStack(stack), annotations };
  const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
  // cdktf-cli sets this and reports the errors itself from the manifest.
  if (errors.length > 0 && process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === undefined) {
    throw new SynthError(`Synth failed: stack ${stack.node.id} has errors:\n${errors.map((a) => `[${a.constructPath}] ${a.message}`).join('\n')}`);
  }
  const warnings = annotations.filter((a) => a.level === AnnotationMetadataEntryType.WARN).map((a) => `[${a.constructPath}] ${a.message}`);
  const document = terraformDocument(stack, fast);
  refuseUnknownReferences(stack, document);
  const notices = policiesOf(stack).flatMap((policy) => policy.check(stack, document as StackDocument));
  const json = stableStringify(document) ?? '';
  return { name: stack.node.id, manifest, json, warnings, notices };
}

/**
 * cdktf's aspect invocation (its `invokeAspects`, not exported from the
 * package root), with public APIs only: every aspect of a node and its
 * ancestors visits it once, parents before children.
 */
export function invokeAspects(root: IConstruct): void {
  // By construct, not by path as cdktf (one construct, one path): a path is rebuilt from the scopes on every read.
  const invokedOn = new Map<IConstruct, IAspect[]>();
  let nestedAspectWarning = false;
  const recurse = (construct: IConstruct, inherited: readonly IAspect[]): void => {
    const aspects = Aspects.of(construct);
    const here = [...inherited, ...aspects.all];
    const ownCount = aspects.all.length;
    for (const aspect of here) {
      let invoked = invokedOn.get(construct);
      if (invoked === undefined) invokedOn.set(construct, (invoked = []));
      if (invoked.includes(aspect)) continue;
      aspect.visit(construct);
      // cdktf's own warning, once: an aspect added by an aspect is not applied.
      if (!nestedAspectWarning && ownCount !== aspects.all.length) {
        Annotations.of(construct).addWarning('We detected an Aspect was added via another Aspect, and will not be applied');
        nestedAspectWarning = true;
      }
      invoked.push(aspect);
    }
    for (const child of construct.node.children) recurse(child, here);
  };
  recurse(root, []);
}

// ---------------------------------------------------------------- the document

/**
 * The stack's Terraform JSON. Fast path: `stack.toTerraform()` without its
 * final resolve of the merged document (each element is resolved once; the
 * second resolve was a fifth of the synth). Stacks with stack-level
 * overrides (which may hold tokens), and every stack on the public path, take
 * cdktf's own `toTerraform()`.
 */
export function terraformDocument(stack: TerraformStack, fast: FastPathInternals | undefined): Record<string, unknown> {
  const elements = terraformElements(stack);
  if (!fast || fast.hasStackOverrides(stack)) {
    // cdktf's own "preparing" pass, for its one job: finding cross-stack references.
    for (const element of elements) resolveElement(stack, element, () => element.toTerraform());
    // The class's method: the policy aspect's hook on the instance is for cdktf's own synth.
    return (Object.getPrototypeOf(stack) as TerraformStack).toTerraform.call(stack) as Record<string, unknown>;
  }
  const metadata = { version: stack.node.tryGetContext('cdktfVersion') as string, stackName: stack.node.id, backend: 'local', cloud: undefined };
  for (const element of elements) fast.deepMerge(metadata, resolveElement(stack, element, () => element.toMetadata(), PLAIN_RESOLVE));
  const outputs = {};
  for (const element of elements) {
    if (!TerraformOutput.isTerraformOutput(element)) continue;
    // { <construct path parts...>: friendlyUniqueId }, as cdktf nests it.
    const parts = element.node.path.split('/');
    let nested: unknown = element.friendlyUniqueId;
    for (let i = parts.length - 1; i >= 0; i--) nested = { [parts[i]]: nested };
    fast.deepMerge(outputs, nested);
  }
  const document: Record<string, unknown> = { '//': { metadata, outputs } };
  for (const element of elements) fast.deepMerge(document, resolveElement(stack, element, () => element.toTerraform(), PLAIN_RESOLVE));
  return document;
}

/** The stack's Terraform elements, not descending into nested stacks (as cdktf's own helper). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (!TerraformStack.isStack(child)) terraformElements(child, into);
  }
  return into;
}

// ---------------------------------------------------------------- cross-stack references

/** A token of one stack used in another: found while resolving, as cdktf's "preparing" pass finds them. */
class CrossStackReference extends Error {
  constructor(
    readonly fromStack: string,
    readonly identifier: string,
  ) {
    super(`${identifier} of stack "${fromStack}"`);
  }
}

/**
 * cdktf resolves a reference to another stack's element through
 * `App.crossStackReference` (it would add an output there and a remote state
 * here). Stacks here never read another stack's state: refuse instead.
 */
function refuseCrossStackReferences(app: App): void {
  app.crossStackReference = (fromStack: TerraformStack, _toStack: TerraformStack, identifier: string): string => {
    throw new CrossStackReference(fromStack.node.id, identifier);
  };
}

/**
 * Resolves `fragment()` of `element` in its stack, with cdktf's "preparing"
 * flag, under which a reference to another stack's element reports itself
 * (the output is otherwise the same). `plain` walks what holds no token.
 */
function resolveElement(stack: TerraformStack, element: TerraformElement, fragment: () => unknown, plain?: PlainResolve): Record<string, unknown> {
  const resolve = (value: unknown): unknown => Tokenization.resolve(value, { scope: stack, preparing: true, resolver: TOKEN_RESOLVER });
  try {
    return (plain ? plain(fragment(), resolve) : resolve(fragment())) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof CrossStackReference)) throw error;
    throw new SynthError(
      `Synth failed: stack "${stack.node.id}" references ${error.identifier} of stack "${error.fromStack}" at [${element.node.path}]. ` +
        `A stack may only reference its own resources, data sources, variables, locals and providers: ` +
        `look the value up by name with a data source (as service stacks find the cluster), or derive it from the catalog.`,
    );
  }
}

/** Fails when the stack's JSON references an address it does not define (a string written by hand, or a copied id). */
function refuseUnknownReferences(stack: TerraformStack, document: Record<string, unknown>): void {
  const unknown = unknownReferences(document);
  if (unknown.length === 0) return;
  const app = App.of(stack);
  const lines = unknown.map((reference) => {
    const owners = app.node
      .findAll()
      .filter((node): node is TerraformStack => TerraformStack.isStack(node) && node !== stack)
      .filter((other) => other.node.findAll().some((node) => TerraformElement.isTerraformElement(node) && elementAddress(node) === reference.address))
      .map((other) => `stack "${other.node.id}"`);
    const where = reference.constructPath ? `[${reference.constructPath}] ${reference.location}` : reference.location;
    return `  - ${where}: ${reference.address} is not an element of this stack${owners.length > 0 ? ` (it is one of ${owners.join(', ')})` : ''}`;
  });
  throw new SynthError(
    `Synth failed: stack "${stack.node.id}" references what it does not define:\n${lines.join('\n')}\n` +
      `A stack may only reference its own resources, data sources, variables, locals and providers: ` +
      `look the value up by name with a data source (as service stacks find the cluster), or derive it from the catalog.`,
  );
}

/** The Terraform address of `element` as references spell it. */
function elementAddress(element: TerraformElement): string | undefined {
  if (TerraformResource.isTerraformResource(element)) return `${element.terraformResourceType}.${element.friendlyUniqueId}`;
  if (element instanceof TerraformDataSource) return `data.${element.terraformResourceType}.${element.friendlyUniqueId}`;
  if (element instanceof TerraformVariable) return `var.${element.friendlyUniqueId}`;
  if (element instanceof TerraformLocal) return `local.${element.friendlyUniqueId}`;
  if (element instanceof TerraformHclModule) return `module.${element.friendlyUniqueId}`;
  return undefined;
}
