#!/usr/bin/env node
// npm run check-stacks -- --synth <untrusted cdktf.out> --out <dir> [--report <file>]
// Run by the trusted plan workflow with the default branch's code, before any
// terraform command: checks every stack of the pull request's synthesized
// output against lib/ci/stack-allowlist.json and the state bucket of the
// default branch's platform.yaml (and its clusters). Only when every stack passes, writes a clean
// copy of each cdk.tf.json to --out; exit 1 (and the reasons in --report,
// Markdown for the pull request) otherwise.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCatalog } from '../lib/catalog/load';
import { AllowlistError, checkSynthDir, readAllowlist, trustedFacts } from '../lib/ci/stack-allowlist';
import { runCli, UsageError } from '../lib/ci/cli';

const USAGE = 'usage: npm run check-stacks -- --synth <untrusted cdktf.out> --out <dir> [--report <file>]';

runCli(USAGE, () => {
  const { values } = parseArgs({ options: { synth: { type: 'string' }, out: { type: 'string' }, report: { type: 'string' } }, strict: true });
  if (!values.synth || !values.out) throw new UsageError('--synth and --out are required');
  const root = process.cwd();
  const trusted = trustedFacts(loadCatalog(root).platform);
  try {
    const stacks = checkSynthDir(values.synth, values.out, readAllowlist(root), trusted);
    console.log(`${stacks.length} stack${stacks.length === 1 ? '' : 's'} passed the allowlist: ${stacks.join(', ') || 'none'}`);
    return 0;
  } catch (error) {
    if (!(error instanceof AllowlistError)) throw error;
    console.error(error.message);
    if (values.report) {
      writeFileSync(
        values.report,
        `<!-- plan:refused -->\n### Plan refused\n\nThe synthesized stacks of this pull request contain what the trusted planner does not run ` +
          `(lib/ci/stack-allowlist.json on the default branch), so nothing was planned:\n\n${error.problems.map((p) => `- ${p.replace(/[<>`@[\]]/g, '').slice(0, 400)}`).join('\n')}\n`,
      );
    }
    return 1;
  }
});
