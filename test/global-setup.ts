// Every temporary file of a test run goes under one folder (TMPDIR, read by
// os.tmpdir() in the workers and in the synths they start); global-teardown.ts
// removes it (KEEP_TEST_TMP=1 keeps it).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup(): void {
  const dir = mkdtempSync(join(tmpdir(), 'jest-run-'));
  process.env.JEST_RUN_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
