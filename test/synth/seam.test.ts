// The seam between our synth and cdktf's internals (lib/synth/cdktf-internals.ts):
// the fast path and the public fallback write the same bytes; a cdktf without
// the internals falls back with a warning; every element is resolved once;
// a reference to another stack's element fails synth.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Lazy, TerraformElement, TerraformOutput, TerraformStack, Token, Tokenization } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { buildStacks } from '../../lib/app';
import { renderStacks, synthesizeCatalog } from '../../lib/synth';
import { detectFastPath, FAST_PATH, FAST_PATH_MISSING, markTokens, publicPathWarning } from '../../lib/synth/cdktf-internals';
import { renderPath } from '../../lib/synth/render';
import { expressionReferences } from '../../lib/synth/references';
import { exampleCatalog } from '../helpers';

jest.setTimeout(120_000);

function freshOutdir(): string {
  return join(mkdtempSync(join(tmpdir(), 'synth-seam-')), 'cdktf.out');
}

function readTree(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(dir, path));
    else files[path] = readFileSync(join(dir, path), 'utf8');
  }
  return files;
}

const catalog = exampleCatalog();

describe('the public path', () => {
  it('writes the same bytes as the fast path for the example catalog, manifest included', async () => {
    expect(FAST_PATH).toBeDefined(); // this cdktf has what the fast path needs: the comparison means something
    const fast = freshOutdir();
    const slow = freshOutdir();
    const fastSummary = await synthesizeCatalog(catalog, { outdir: fast, workers: 1 });
    const slowSummary = await synthesizeCatalog(catalog, { outdir: slow, workers: 1, publicPath: true });
    const expected = readTree(fast);
    expect(Object.keys(expected).length).toBeGreaterThan(5);
    expect(readTree(slow)).toEqual(expected);
    expect(slowSummary.written).toEqual(fastSummary.written);
    // Taken on request: no warning.
    expect(slowSummary.warnings).toEqual(fastSummary.warnings);
  });

  it('is taken, with one warning naming what is missing, when cdktf lacks an internal', () => {
    const detected = detectFastPath((module) => {
      if (module === 'cdktf/lib/util') throw new Error(`Cannot find module '${module}'`);
      return jest.requireActual(module);
    });
    expect(detected.fast).toBeUndefined();
    expect(detected.missing).toEqual(['cdktf/lib/util deepMerge']);
    expect(publicPathWarning(detected.missing)).toMatch(/cdktf's internals changed \(cdktf\/lib\/util deepMerge not found\): synth takes cdktf's public path/);

    const noOverrides = detectFastPath(jest.requireActual, () => ({}));
    expect(noOverrides.fast).toBeUndefined();
    expect(noOverrides.missing).toEqual(['TerraformStack.rawOverrides']);
  });

  it('is not taken (and nothing is missing) with this cdktf unless asked for', () => {
    expect(FAST_PATH_MISSING).toEqual([]);
    expect(renderPath({}).fast).toBe(FAST_PATH);
    expect(renderPath({}).warning).toBeUndefined();
    expect(renderPath({ publicPath: true }).fast).toBeUndefined();
  });
});

describe('the fast path', () => {
  it('resolves every element once (the policy reads the rendered JSON)', () => {
    const app = new App({ outdir: freshOutdir(), stackTraces: false });
    buildStacks(app, catalog, { include: (name) => name === 'platform' || name === 'service-payment-production' });
    const calls = new Map<TerraformElement, number>();
    for (const node of app.node.findAll()) {
      if (!TerraformElement.isTerraformElement(node)) continue;
      const element = node;
      const original = element.toTerraform.bind(element);
      calls.set(element, 0);
      element.toTerraform = () => {
        calls.set(element, (calls.get(element) ?? 0) + 1);
        return original();
      };
    }
    expect(calls.size).toBeGreaterThan(50);
    const rendered = renderStacks(app, { publicPath: false });
    expect(rendered.map((s) => s.name)).toEqual(['platform', 'service-payment-production']);
    expect(new Set(calls.values())).toEqual(new Set([1]));
  });
});

describe('markTokens', () => {
  it('forgets the tokens encoded after the mark, loudly, and keeps the ones before', () => {
    const before = Token.asString(Lazy.stringValue({ produce: () => 'kept' }));
    const forget = markTokens();
    const after = Token.asString(Lazy.stringValue({ produce: () => 'forgotten' }));
    expect(Tokenization.reverseString(after).firstToken).toBeDefined();
    forget();
    expect(Tokenization.reverseString(before).firstToken).toBeDefined();
    expect(() => Tokenization.reverseString(after)).toThrow(/Unrecognized Token Key/);
  });
});

describe('a cross-stack reference', () => {
  function twoStacks(sameIds: boolean): App {
    const app = new App({ outdir: freshOutdir(), stackTraces: false });
    const stacks = ['service-a-production', 'service-b-production'].map((name) => {
      const stack = new TerraformStack(app, name);
      new GoogleProvider(stack, 'google', { project: 'p' });
      return stack;
    });
    const sa = new ServiceAccount(stacks[0], 'Sa', { accountId: 'application' });
    if (sameIds) new ServiceAccount(stacks[1], 'Sa', { accountId: 'application' });
    new TerraformOutput(stacks[1], 'Email', { value: sa.email });
    return app;
  }

  it.each([
    ['fast path', false],
    ['public path', true],
  ])('fails synth naming both stacks and the construct path (%s)', (_path, publicPath) => {
    expect(() => renderStacks(twoStacks(false), { publicPath })).toThrow(
      /stack "service-b-production" references google_service_account\.Sa\.email of stack "service-a-production" at \[service-b-production\/Email\]/,
    );
  });

  it('fails even when the referencing stack has an element of the same address (same construct ids)', () => {
    expect(() => renderStacks(twoStacks(true))).toThrow(/stack "service-b-production" references google_service_account\.Sa\.email of stack "service-a-production"/);
  });

  it('within one stack is fine', () => {
    const app = new App({ outdir: freshOutdir(), stackTraces: false });
    const stack = new TerraformStack(app, 'service-a-production');
    new GoogleProvider(stack, 'google', { project: 'p' });
    const sa = new ServiceAccount(stack, 'Sa', { accountId: 'application' });
    new TerraformOutput(stack, 'Email', { value: sa.email });
    const [rendered] = renderStacks(app);
    expect(JSON.parse(rendered.json).output.Email.value).toBe('${google_service_account.Sa.email}');
  });
});

describe('a reference written as a string', () => {
  it('to an element of no stack, or of another stack, fails synth naming the stacks, the construct path and where', () => {
    const app = new App({ outdir: freshOutdir(), stackTraces: false });
    const [a, b] = ['service-a-production', 'service-b-production'].map((name) => {
      const stack = new TerraformStack(app, name);
      new GoogleProvider(stack, 'google', { project: 'p' });
      return stack;
    });
    new ServiceAccount(a, 'Sa', { accountId: 'application' });
    new TerraformOutput(b, 'Email', { value: '${google_service_account.Sa.email}' });
    new ServiceAccount(b, 'Other', { accountId: 'other', description: '${var.missing} and ${data.google_project.host.number} for ${google_service_account.Other.email}' });
    let message = '';
    try {
      renderStacks(app);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Synth failed: stack "service-b-production" references what it does not define:/);
    expect(message).toContain('[service-b-production/Other] resource.google_service_account.Other.description: var.missing is not an element of this stack\n');
    expect(message).toContain('data.google_project.host is not an element of this stack\n');
    expect(message).toContain('output.Email.value: google_service_account.Sa is not an element of this stack (it is one of stack "service-a-production")');
    expect(message).not.toContain('google_service_account.Other ');
  });
});

describe('expressionReferences', () => {
  it.each([
    ['${google_project.p.id}', ['google_project.p']],
    ['${data.google_project.host.number}-${var.region}-${local.x}-${module.m.out}', ['data.google_project.host', 'var.region', 'local.x', 'module.m']],
    ['${each.value} ${count.index} ${path.module} ${self.id} ${terraform.workspace}', []],
    ['$${not.a_reference} ${lookup(google_x.y.map, "a.b", "c.d")}', ['google_x.y']],
    ['${[for s in google_x.y.list : s.id]} ${element(google_a.b[*].id, 0).name}', ['google_x.y', 'google_a.b']],
    ['${{ a = { b = google_x.y.z } }}', ['google_x.y']],
  ])('%s', (text, expected) => {
    expect(expressionReferences(text)).toEqual(expected);
  });
});

describe('private cdktf access', () => {
  it('happens in lib/synth/cdktf-internals.ts only', () => {
    const root = join(__dirname, '..', '..');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
      });
    const offenders = ['bin', 'lib', 'stacks', 'constructs']
      .flatMap((dir) => files(join(root, dir)))
      .filter((path) => !path.endsWith(join('lib', 'synth', 'cdktf-internals.ts')))
      .filter((path) => /cdktf\/lib\/|rawOverrides|Symbol\.for\('cdktf\//.test(readFileSync(path, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
