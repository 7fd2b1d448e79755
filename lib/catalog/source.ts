// Reading catalog files safely and pointing at places in them. Only regular
// files inside the catalog folder are read (a symlink out of it, a FIFO or a
// device is refused before it is opened), each up to a size cap, and every
// fs error becomes a sentence naming the file. Problems carry the line and
// column of the YAML node they are about and an excerpt with a caret, as
// rustc and tsc print them.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A catalog file is a few KB; this is far above any real one and far below what hurts. */
export const MAX_CATALOG_FILE_BYTES = 1024 * 1024;

/** A problem and, when it is about a place in a file, where. */
export interface CatalogProblem {
  /** One line: `<file>: <field path>: <message>`. */
  readonly text: string;
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
  /** The source line, for the excerpt. */
  readonly excerpt?: string;
  /** Characters the caret underlines. */
  readonly width?: number;
}

/** `text`, then ` --> file:line:column` and the excerpt with a caret (lines without a trailing newline). */
export function renderProblem(problem: CatalogProblem): string[] {
  if (problem.line === undefined || problem.column === undefined) return [problem.text];
  const lines = [problem.text, `  --> ${problem.file}:${problem.line}:${problem.column}`];
  if (problem.excerpt === undefined) return lines;
  const { text, column } = window(problem.excerpt, problem.column);
  const gutter = String(problem.line);
  const pad = ' '.repeat(gutter.length);
  const width = Math.max(1, Math.min(problem.width ?? 1, text.length - column + 1));
  lines.push(`   ${gutter} | ${text}`, `   ${pad} | ${' '.repeat(column - 1)}${'^'.repeat(width)}`);
  return lines;
}

const EXCERPT_WIDTH = 100;

/** A long line is cut to a window around `column` (a minified file is one line). */
function window(line: string, column: number): { text: string; column: number } {
  if (line.length <= EXCERPT_WIDTH) return { text: line, column };
  const start = Math.max(0, Math.min(column - 1 - EXCERPT_WIDTH / 2, line.length - EXCERPT_WIDTH));
  const cut = line.slice(start, start + EXCERPT_WIDTH);
  const prefix = start > 0 ? '…' : '';
  const suffix = start + EXCERPT_WIDTH < line.length ? '…' : '';
  return { text: `${prefix}${cut}${suffix}`, column: column - start + prefix.length };
}

// ---------------------------------------------------------------- reading

type Read = { text: string; problem?: undefined } | { text?: undefined; problem: string };

/** The catalog folder's real path, or why it cannot be used. */
export function catalogRoot(root: string): { real: string; problem?: undefined } | { real?: undefined; problem: string } {
  try {
    const real = realpathSync(root);
    if (!statSync(real).isDirectory()) return { problem: `${root}: is not a folder; point CATALOG_DIR (or --root) at the folder holding platform.yaml and services/` };
    return { real };
  } catch (error) {
    return { problem: `${root}: catalog folder ${fsReason(error)}; point CATALOG_DIR (or --root) at the folder holding platform.yaml and services/` };
  }
}

/**
 * `file` (relative to `realRoot`, the catalog folder's real path) when it is
 * a regular file inside the folder of at most MAX_CATALOG_FILE_BYTES.
 */
export function readCatalogFile(realRoot: string, file: string, shownRoot: string): Read {
  const where = checkInside(realRoot, file, shownRoot);
  if (where.problem !== undefined) return { problem: where.problem };
  const kind = kindOf(where.real);
  if (kind.problem !== undefined) return { problem: `${file}: ${kind.problem}` };
  if (kind.kind !== 'a file') return { problem: `${file}: is ${kind.kind}, not a regular file; catalog files are plain YAML files` };
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO swapped in after the check must not hang the open;
    // O_NOFOLLOW: nor may a symlink swapped in be followed.
    fd = openSync(where.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `${file}: ${fsReason(error)}` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { problem: `${file}: is ${fileKind(stats)}, not a regular file; catalog files are plain YAML files` };
    if (stats.size > MAX_CATALOG_FILE_BYTES) return { problem: tooLarge(file, stats.size) };
    // Read one byte more than the cap: a file that grows while read is refused too.
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_CATALOG_FILE_BYTES) + 1);
    let length = 0;
    for (;;) {
      const count = readSync(fd, buffer, length, buffer.length - length, null);
      if (count === 0) break;
      length += count;
      if (length === buffer.length) {
        if (length > MAX_CATALOG_FILE_BYTES) return { problem: tooLarge(file, length) };
        break;
      }
    }
    return { text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return { problem: `${file}: ${fsReason(error)}` };
  } finally {
    closeSync(fd);
  }
}

/** The entries of the folder `dir` (relative to the catalog root), or why it cannot be listed. */
export function listCatalogFolder(realRoot: string, dir: string, shownRoot: string): { names: string[]; problem?: undefined } | { names?: undefined; problem: string } {
  const where = checkInside(realRoot, dir, shownRoot, `${dir}/`);
  if (where.problem !== undefined) return { problem: where.problem };
  const kind = kindOf(where.real);
  if (kind.problem !== undefined) return { problem: `${dir}/: ${kind.problem}` };
  if (kind.kind !== 'a folder') return { problem: `${dir}/: is ${kind.kind}, not a folder; service files go in the folder ${dir}/ (one ${dir}/<name>.yaml per service)` };
  try {
    return { names: readdirSync(where.real).sort() };
  } catch (error) {
    return { problem: `${dir}/: ${fsReason(error)}` };
  }
}

function checkInside(realRoot: string, file: string, shownRoot: string, shown = file): { real: string; problem?: undefined } | { real?: undefined; problem: string } {
  const path = join(realRoot, file);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      let link = false;
      try {
        link = lstatSync(path).isSymbolicLink();
      } catch {
        // not there at all
      }
      return { problem: link ? `${shown}: is a symbolic link to a missing file; replace it with the file itself` : `${shown}: file not found under ${shownRoot}` };
    }
    return { problem: `${shown}: ${fsReason(error)}` };
  }
  const inside = relative(realRoot, real);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    return { problem: `${shown}: is a symbolic link to ${real}, outside the catalog folder; catalog files are read only from inside it: put the file itself there` };
  }
  return { real };
}

function kindOf(path: string): { kind: string; problem?: undefined } | { kind?: undefined; problem: string } {
  try {
    return { kind: fileKind(statSync(path)) };
  } catch (error) {
    return { problem: fsReason(error) };
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

function tooLarge(file: string, bytes: number): string {
  return `${file}: is ${bytes > MAX_CATALOG_FILE_BYTES ? `over ${MAX_CATALOG_FILE_BYTES / 1024 / 1024} MiB` : `${bytes} bytes`}; catalog files are at most ${MAX_CATALOG_FILE_BYTES / 1024 / 1024} MiB (a service file is a few KB): is this the right file?`;
}

function fsReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'not found',
    EACCES: 'cannot be read: permission denied',
    EPERM: 'cannot be read: operation not permitted',
    ELOOP: 'is a symbolic link loop',
    ENOTDIR: 'a part of its path is not a folder',
    EISDIR: 'is a folder, not a file',
  };
  return (e.code && reasons[e.code]) ?? `cannot be read (${e.code ?? 'error'}: ${e.message})`;
}

// ---------------------------------------------------------------- locating

/** Path elements as zod reports them (`databases`, `cloudsql`, `tier`; list items by index). */
export type FieldPath = readonly PropertyKey[];

/** A parsed YAML file that can point at the node behind a field path. */
export class YamlSource {
  readonly document: Document;
  private readonly lineCounter = new LineCounter();
  private readonly lines: string[];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.document = parseDocument(text, { uniqueKeys: true, lineCounter: this.lineCounter });
    this.lines = text.split('\n');
  }

  /** A problem at `offset` (0-based, into the text) underlining `width` characters. */
  at(offset: number, width: number, text: string): CatalogProblem {
    const { line, col } = this.lineCounter.linePos(Math.min(offset, this.text.length));
    const excerpt = (this.lines[line - 1] ?? '').replace(/\r$/, '');
    return { text, file: this.file, line, column: col, excerpt, width: Math.max(1, Math.min(width, excerpt.length - col + 1)) };
  }

  /**
   * A problem about the field at `path`. Options: `key`, an unknown key of the
   * mapping at `path` (the key is underlined); `value`, an item of the list at
   * `path` (its `occurrence`th copy is underlined). A path that is not in the
   * file (a missing key, a default) points at its nearest ancestor that is.
   */
  locate(path: FieldPath, text: string, options: { key?: string; value?: string; occurrence?: number } = {}): CatalogProblem {
    let node: unknown = this.document.contents;
    let keyNode: Node | undefined;
    for (const element of path) {
      const next = child(node, element);
      if (!next) break;
      node = next.value;
      keyNode = next.key;
    }
    if (options.key !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === options.key);
      if (pair && isScalar(pair.key)) return this.range(pair.key, text);
    }
    if (options.value !== undefined && isSeq(node)) {
      const matches = node.items.filter((item) => isScalar(item) && String(item.value) === options.value);
      const item = matches[Math.min(options.occurrence ?? 1, matches.length) - 1];
      if (item && isScalar(item)) return this.range(item, text);
    }
    // A mapping or list is pointed at by its key: its whole range is many lines.
    const target = node && !isCollection(node) ? (node as Node) : (keyNode ?? (node as Node | undefined));
    return target ? this.range(target, text) : this.at(0, 1, text);
  }

  /** The first alias of the document, for a message about alias expansion. */
  firstAlias(): Node | undefined {
    const stack: unknown[] = [this.document.contents];
    while (stack.length > 0) {
      const node = stack.pop();
      if (isAlias(node)) return node;
      if (isPair(node)) stack.push(node.value, node.key);
      else if (isCollection(node)) stack.push(...[...node.items].reverse());
    }
    return undefined;
  }

  range(node: Node, text: string): CatalogProblem {
    const [start, end] = node.range ?? [0, 1, 1];
    return this.at(start, end - start, text);
  }
}

function child(node: unknown, element: PropertyKey): { key?: Node; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(element));
    if (!pair) return undefined;
    // A key with no value (`production:`) is pointed at by the key.
    return { key: pair.key as Node, value: pair.value ?? pair.key };
  }
  if (isSeq(node) && typeof element === 'number') {
    const item = node.items[element];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}
