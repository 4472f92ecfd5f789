/**
 * The production build: `src/main.ts` compiled to one ES module, `dist/main.js`, run by plain
 * `node` (`pnpm start`). Running through tsx in production costs a module-loader thread, source
 * maps on every stack trace (the Stripe SDK reads one per request) and roughly 80 MB of memory
 * (docs/performance.md).
 *
 * Our workspace packages ship TypeScript source, so they are compiled into the bundle. Third-party
 * packages stay imports, resolved from this package's node_modules at run time exactly as installed:
 * PGlite finds its WASM next to its own files, pino its worker scripts, swagger-ui-dist its assets.
 * Every one of them must therefore be a dependency of this package; the build fails if one is not.
 *
 * `bundleServer` takes other entries too: the benchmark builds its instrumented server with it, so
 * the figures are those of the code `pnpm start` runs.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const SERVER_DIR = dirname(fileURLToPath(import.meta.url));
const DIST_DIR = join(SERVER_DIR, 'dist');
const { dependencies, scripts } = JSON.parse(readFileSync(join(SERVER_DIR, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/**
 * The node flags of the `start` script (`exec node <flags> dist/main.js`), for what starts the bundle
 * itself (tests, the benchmark) and must run it exactly as `pnpm start` does.
 */
export function startFlags(): string[] {
  const flags = /^exec node\s+(.*?)\s*dist\/main\.js$/.exec(scripts.start ?? '')?.[1];
  if (flags === undefined) throw new Error(`apps/server's start script is not "exec node [flags] dist/main.js"`);
  return flags.split(/\s+/).filter(Boolean);
}

const compileWorkspaceOnly: Plugin = {
  name: 'compile-workspace-only',
  setup(builder) {
    // Bare specifiers only: relative paths and node: builtins take esbuild's own course.
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@subkit/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Bundles each entry (output name → TypeScript entry) into `dist/<name>.js`, with a linked source
 * map (`NODE_OPTIONS=--enable-source-maps` maps stack traces back to the sources).
 */
export async function bundleServer<Name extends string>(entries: Record<Name, string>): Promise<Record<Name, string>> {
  const result = await build({
    entryPoints: entries,
    outdir: DIST_DIR,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [compileWorkspaceOnly],
  });
  const externals = new Set(
    Object.values(result.metafile.outputs).flatMap((output) =>
      output.imports.filter((entry) => entry.external && !isBuiltin(entry.path)).map((entry) => entry.path),
    ),
  );
  const undeclared = [...externals].filter((specifier) => !(packageName(specifier) in dependencies));
  if (undeclared.length > 0) {
    const names = [...new Set(undeclared.map(packageName))].join(', ');
    throw new Error(`the bundle imports packages that apps/server does not depend on: ${names}`);
  }
  return Object.fromEntries(Object.keys(entries).map((name) => [name, join(DIST_DIR, `${name}.js`)])) as Record<
    Name,
    string
  >;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { main } = await bundleServer({ main: join(SERVER_DIR, 'src/main.ts') });
  console.log(`built ${relative(process.cwd(), main)}`);
}
