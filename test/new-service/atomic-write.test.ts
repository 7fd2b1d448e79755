// Writes land whole or not at all, and a new file never replaces another.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/new-service/atomic-write';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes a new file and leaves no temporary file', () => {
    writeFileAtomic(join(dir, 'a.yaml'), 'team: a\n', { noClobber: true });
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('team: a\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });

  test('replaces an existing file by default', () => {
    writeFileSync(join(dir, 'CODEOWNERS'), 'old\n');
    writeFileAtomic(join(dir, 'CODEOWNERS'), 'new\n');
    expect(readFileSync(join(dir, 'CODEOWNERS'), 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['CODEOWNERS']);
  });

  test('with noClobber, refuses to replace an existing file and keeps its bytes', () => {
    writeFileSync(join(dir, 'a.yaml'), 'mine\n');
    expect(() => writeFileAtomic(join(dir, 'a.yaml'), 'theirs\n', { noClobber: true })).toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('mine\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });

  test('a failed move removes the temporary file', () => {
    expect(() => writeFileAtomic(join(dir, 'missing-folder', 'a.yaml'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
