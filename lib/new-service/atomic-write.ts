// Files are written to a temporary file in the same folder and then moved into
// place in one step, so an interrupted run never leaves half a file behind.
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  /**
   * Fail with EEXIST instead of replacing an existing file (checked by the
   * file system at the moment of the move, not before it).
   * @default replace
   */
  readonly noClobber?: boolean;
}

export function writeFileAtomic(path: string, content: string, options: AtomicWriteOptions = {}): void {
  // Same folder: a rename is only atomic within one file system.
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx');
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  try {
    if (options.noClobber) {
      moveWithoutClobber(temporary, path);
    } else {
      renameSync(temporary, path);
    }
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function moveWithoutClobber(from: string, to: string): void {
  try {
    linkSync(from, to); // the file system refuses with EEXIST if `to` exists
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    // No hard links on this file system: check, then rename (a narrow race only).
    if (existsSync(to)) throw Object.assign(new Error(`EEXIST: file already exists, '${to}'`), { code: 'EEXIST' });
    renameSync(from, to);
    return;
  }
  unlinkSync(from);
}
