import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.JEST_RUN_TMPDIR;
  if (dir && process.env.KEEP_TEST_TMP !== '1') rmSync(dir, { recursive: true, force: true });
}
