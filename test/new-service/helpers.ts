// Shared by the new-service tests: a temporary catalog built from the
// committed one (the real one is never written), a byte-for-byte picture of it, and a way
// to run the command with captured streams.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { newService } from '../../lib/new-service/run';
import { loadCatalog } from '../../lib/catalog/load';
import { readCodeowners, renderCodeowners } from '../../lib/codeowners';

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
  writeFileSync(join(root, '.github', 'CODEOWNERS'), renderCodeowners(readCodeowners(REPO_ROOT), catalog.services, catalog.platform.github));
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
}

/** Runs `new-service` in `root` (as its working directory) and captures its output. */
export async function run(root: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const stdout = collector();
  const stderr = collector();
  const stdin = options.stdin ?? new PassThrough();
  if (!options.stdin) stdin.end(options.answers ? options.answers.map((a) => `${a}\n`).join('') : '');
  const code = await newService(argv, {
    cwd: root,
    env: options.env ?? {},
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    interactive: options.interactive ?? false,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export const REQUIRED = ['--team', 'commerce', '--owner-group', 'commerce@example.com'];
