#!/usr/bin/env node
// npm run destroy-guard -- <plan.json> [--allow-destroy]
// Exit 1, naming them, when the plan deletes or replaces protected resources.
import { parseArgs } from 'node:util';
import { readPlan } from '../lib/ci/plan-json';
import { guard } from '../lib/ci/destroy-guard';
import { runCli, UsageError } from '../lib/ci/cli';

const USAGE = 'usage: npm run destroy-guard -- <plan.json> [--allow-destroy]';

runCli(USAGE, () => {
  const { values, positionals } = parseArgs({ options: { 'allow-destroy': { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError(`expected one plan file, got ${positionals.length}`);
  const file = positionals[0];
  const result = guard(readPlan(file), file, values['allow-destroy'] ?? false);
  if (!result.ok) {
    console.error(result.message);
    return 1;
  }
  console.log(result.message || `${file}: no protected resource is deleted or replaced`);
  return 0;
});
