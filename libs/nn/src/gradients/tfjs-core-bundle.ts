import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * tfjs-core's Node entry point (`dist/tf-core.node.js`) registers no gradients and no chained tensor
 * methods: the union package `@tensorflow/tfjs` normally pulls them in through deep imports of
 * tfjs-core's ESM `dist/` tree. That tree cannot be loaded by Node's ESM loader (extensionless
 * relative imports, and `./gradients` is both a file and a folder), and loading it through a resolve
 * hook takes ~3 s per process. So on first use we bundle exactly those two side-effect entry points
 * into one CommonJS file with esbuild (~1.5 s, once per tfjs-core version) and keep it under
 * `node_modules/.cache/fsnas-nn/`. Loading the bundle then costs ~0.1 s.
 *
 * The bundle carries its own copy of tfjs-core's op code, which is safe: the engine, the kernel and
 * gradient registries and the Tensor class are all looked up in tfjs's global namespace, and
 * `Tensor[Symbol.hasInstance]` is structural, so both copies share one state.
 */

const requireHere = createRequire(import.meta.url);

const ENTRY = [
  "import '@tensorflow/tfjs-core/dist/register_all_gradients';",
  "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';",
  '',
].join('\n');

let loaded = false;

/** Register tfjs-core's gradient functions and chained tensor ops (idempotent). */
export async function registerTfjsCoreGradients(): Promise<void> {
  if (loaded) return;
  const corePkg = requireHere.resolve('@tensorflow/tfjs-core/package.json');
  const coreVersion = (JSON.parse(readFileSync(corePkg, 'utf8')) as { version: string }).version;
  const nodeModules = path.resolve(path.dirname(corePkg), '..', '..');
  const key = createHash('sha256').update(`${coreVersion}\n${ENTRY}`).digest('hex').slice(0, 12);
  const cacheDir = path.join(nodeModules, '.cache', 'fsnas-nn');
  const bundle = path.join(cacheDir, `tfjs-core-${coreVersion}-gradients-${key}.cjs`);
  if (!existsSync(bundle)) await buildBundle(bundle, cacheDir, path.dirname(corePkg));
  requireHere(bundle);
  loaded = true;
}

async function buildBundle(bundle: string, cacheDir: string, resolveDir: string): Promise<void> {
  const { build } = await import('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  const result = await build({
    stdin: { contents: ENTRY, resolveDir, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the tfjs gradient bundle');
  // Write then rename, so that concurrent test workers never load a half-written bundle.
  const tmp = `${bundle}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, bundle);
}
