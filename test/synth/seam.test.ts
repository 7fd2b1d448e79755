// The seam between our synth and cdktf's internals (lib/synth/cdktf-internals.ts):
// the fast path and the public fallback write the same bytes; a cdktf without
// the internals falls back with a warning; every element is resolved once;
// a reference to another stack's element fails synth.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { buildStacks } from '../../lib/app';
import { renderStacks, synthesizeCatalog } from '../../lib/synth';
import { detectFastPath, FAST_PATH, FAST_PATH_MISSING, publicPathWarning } from '../../lib/synth/cdktf-internals';
import { renderPath } from '../../lib/synth/render';
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
