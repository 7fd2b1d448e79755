// Transpiles the TypeScript sources to dist/ without type-checking (that is
// `npm run typecheck`'s job), so synth starts in well under a second.
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['bin', 'lib', 'constructs', 'stacks'];

function tsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

await build({
  entryPoints: roots.flatMap(tsFiles),
  outdir: 'dist',
  outbase: '.',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
});
