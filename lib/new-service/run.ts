// `npm run new-service`: checks every input, then writes services/<name>.yaml
// and regenerates .github/CODEOWNERS, or with --dry-run only shows them.
// Everything is checked before the first write; on any problem nothing changes.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { USAGE, flagsTakenByNpm, parseArgs } from './args';
import { askMissing } from './prompt';
import { loadContext, missingProblem, validateArgs } from './validate';
import { describeStacks, planNewService, type NewServicePlan } from './plan';
import { writeFileAtomic } from './atomic-write';

export interface NewServiceIo {
  /** The catalog root unless --root is given. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** A person can answer questions (stdin and stdout are terminals). */
  readonly interactive: boolean;
}

/** Runs the command; resolves to the process exit code. */
export async function newService(argv: readonly string[], io: NewServiceIo): Promise<number> {
  const { args, problems } = parseArgs(argv);
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  for (const flag of flagsTakenByNpm(io.env, argv)) {
    problems.push(`${flag} was taken by npm, not passed to new-service: put "--" before the arguments (e.g. npm run new-service -- checkout ${flag} ...)`);
  }
  const root = resolve(io.cwd, args.root ?? '.');
  const loaded = loadContext(root);
  if (!loaded.context) return fail(io, [...problems, ...loaded.problems]);
  const context = loaded.context;

  if (problems.length === 0 && io.interactive) {
    problems.push(...(await askMissing(args, context, { input: io.stdin, output: io.stdout })));
  }
  const missing = missingProblem(args);
  if (missing) problems.push(missing);
  const validated = validateArgs(args, context);
  problems.push(...validated.problems);
  if (problems.length > 0 || !validated.request) return fail(io, problems);

  const planned = planNewService(validated.request, context);
  if (!planned.plan) return fail(io, planned.problems);
  const plan = planned.plan;

  if (args.dryRun) {
    io.stdout.write(describeDryRun(plan));
    return 0;
  }
  try {
    write(root, plan);
  } catch (error) {
    return fail(io, [`writing failed, and what was written is removed again: ${(error as Error).message}`]);
  }
  io.stdout.write(describeDone(plan));
  return 0;
}

/** The service file first (refusing to replace anything), then CODEOWNERS; a failure of the second undoes the first. */
function write(root: string, plan: NewServicePlan): void {
  const servicePath = join(root, plan.serviceFile.path);
  writeFileAtomic(servicePath, plan.serviceFile.content, { noClobber: true });
  try {
    const codeownersPath = join(root, plan.codeowners.path);
    mkdirSync(dirname(codeownersPath), { recursive: true });
    writeFileAtomic(codeownersPath, plan.codeowners.content);
  } catch (error) {
    rmSync(servicePath, { force: true });
    throw error;
  }
}

function fail(io: NewServiceIo, problems: readonly string[]): number {
  const count = problems.length;
  io.stderr.write(`new-service: ${count} problem${count === 1 ? '' : 's'}; nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}\nRun with --help for usage.\n`);
  return 1;
}

function describeDryRun(plan: NewServicePlan): string {
  return [
    'Dry run: nothing was written.',
    '',
    `${plan.serviceFile.path} (new file):`,
    indent(plan.serviceFile.content),
    `${plan.codeowners.path} ${plan.codeowners.before === undefined ? '(new file) ' : ''}gets the line:`,
    `  ${plan.codeownersLine}`,
    `  (${plan.codeownersPrerequisite})`,
    ...staleNote(plan),
    '',
    'Stacks and main resources that would be created:',
    indent(describeStacks(plan.environments).join('\n')),
    '',
  ].join('\n');
}

function describeDone(plan: NewServicePlan): string {
  const stacks = plan.environments.map((e) => e.stackName);
  return [
    `Wrote ${plan.serviceFile.path}`,
    `${plan.codeowners.before === undefined ? 'Created' : 'Updated'} ${plan.codeowners.path}: ${plan.codeownersLine}`,
    ...staleNote(plan),
    '',
    'Next steps:',
    `  1. Review ${plan.serviceFile.path} (each field is explained in it); \`npm run synth\` checks it locally.`,
    `  2. These stacks will appear: ${stacks.join(', ')}`,
    `  3. Code review: ${plan.codeownersPrerequisite}.`,
    '  4. Open a pull request; the plan is posted on it; merging applies it.',
    '',
  ].join('\n');
}

function staleNote(plan: NewServicePlan): string[] {
  return plan.codeownersWasStale ? [`Note: ${plan.codeowners.path} did not match the catalog; it is regenerated as a whole (\`npm run codeowners\` does the same).`] : [];
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? `    ${line}` : ''))
    .join('\n');
}
