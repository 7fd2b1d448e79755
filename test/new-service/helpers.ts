// Shared by the new-service tests: a temporary catalog built from the
// committed one (the real one is never written), a byte-for-byte picture of it, and a way
// to run the command with captured streams.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { newService } from '../../lib/new-service/run';
import { loadCatalog } from '../../lib/catalog/load';
import { renderCodeowners } from '../../lib/codeowners';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The example services the tests rely on. Only these are copied, so the tests
 * pass unchanged after a developer adds a service (say, checkout) to the repo.
 */
export const EXAMPLE_SERVICES = ['gateway', 'payment', 'recommend', 'search'];

/**
 * A temporary catalog: the committed platform.yaml, the example services, and
 * a CODEOWNERS with the committed header, generated for those services.
 */
export function copyCatalog(): string {
  const root = mkdtempSync(join(tmpdir(), 'new-service-test-'));
  copyFileSync(join(REPO_ROOT, 'platform.yaml'), join(root, 'platform.yaml'));
  mkdirSync(join(root, 'services'));
  for (const name of EXAMPLE_SERVICES) copyFileSync(join(REPO_ROOT, 'services', `${name}.yaml`), join(root, 'services', `${name}.yaml`));
  mkdirSync(join(root, '.github'));
  const catalog = loadCatalog(root);
  writeFileSync(join(root, '.github', 'CODEOWNERS'), renderCodeowners(catalog.services, catalog.platform.github));
  return root;
}

export function removeCatalog(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Every file and folder under `root` with its bytes: equal pictures mean nothing changed. */
export function picture(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const key = relative(root, path);
      if (statSync(path).isDirectory()) {
        entries[`${key}/`] = '(folder)';
        walk(path);
      } else {
        entries[key] = readFileSync(path).toString('base64');
      }
    }
  };
  walk(root);
  return entries;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  /** Answers for the prompts, written to stdin up front (then stdin ends). */
  readonly answers?: readonly string[];
  readonly interactive?: boolean;
  /** The command's standard input, for tests that answer as the questions come. */
  readonly stdin?: PassThrough;
  /**
   * Keystrokes for the prompts: each is typed once the output since the
   * previous one matches its pattern (\r is enter, " " toggles a choice,
   * DOWN moves down); stdin ends after the last.
   */
  readonly keys?: readonly (readonly [RegExp, string])[];
}

export const ENTER = '\r';
export const DOWN = '\x1b[B';
export const BACKSPACE = '\x7f';

/** Output as a person sees it: without colours and cursor movements. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** Runs `new-service` in `root` (as its working directory) and captures its output. */
export async function run(root: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = collector();
  const stderr = collector();
  const stdin = options.stdin ?? new PassThrough();
  if (!options.stdin && !options.keys) stdin.end(options.answers ? options.answers.map((a) => `${a}\n`).join('') : '');
  let finished = false;
  const typing = (async () => {
    let from = 0;
    for (const [pattern, keys] of options.keys ?? []) {
      for (let waited = 0; !pattern.test(plain(stdout.text().slice(from))); waited += 5) {
        if (finished || waited > 10_000) {
          stdin.end();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      from = stdout.text().length;
      stdin.write(keys);
    }
    // End the input once the command has gone quiet (waiting for the next answer).
    for (let quiet = 0, length = -1; options.keys && !finished && quiet < 3; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      quiet = stdout.text().length === length ? quiet + 1 : 0;
      length = stdout.text().length;
    }
    if (options.keys) stdin.end();
  })();
  const code = await newService(argv, {
    cwd: root,
    env: options.env ?? {},
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    interactive: options.interactive ?? false,
  });
  finished = true;
  await typing;
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export const REQUIRED = ['--team', 'commerce', '--owner-group', 'commerce@example.com'];
