// Builds the operator into one file, dist/main.js (`npm run build`, the Dockerfile, the benchmarks): src/main.ts
// and the libraries it uses, bundled by esbuild. One file loads in about half the time of ~1,500 modules and keeps
// ~20 MB less resident (no per-module records, whitespace-free source); identifiers are not mangled, so stack
// traces keep their function names. Type checking is `npm run typecheck`'s job, not this one's.
//
//   node scripts/bundle.mjs [outdir]     (default: dist)
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The call controller-operator.ts loads the framework with (see there why), and what the bundle needs instead. */
const FRAMEWORK_LOAD = /createRequire\(import\.meta\.url\)\(\s*'@dot-i\/k8s-operator',?\s*\)/;
const FRAMEWORK_REQUIRE = "require('@dot-i/k8s-operator')";

/**
 * esbuild bundles `require('x')` but not a require made by createRequire: in the bundle the framework's load
 * becomes a plain require (of the bundled copy, which shares the one bundled client-node).
 */
const bundledFramework = {
  name: 'bundled-framework',
  setup(b) {
    b.onLoad({ filter: /[/\\]src[/\\]operator[/\\]controller-operator\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!FRAMEWORK_LOAD.test(source)) {
        throw new Error(`${args.path} no longer loads the framework with ${FRAMEWORK_LOAD}: update scripts/bundle.mjs`);
      }
      return { contents: source.replace(FRAMEWORK_LOAD, FRAMEWORK_REQUIRE), loader: 'ts' };
    });
  },
};

const KUBERNETES_CLIENT = '@kubernetes/client-node';
const FRAMEWORK_DIR = /[/\\]node_modules[/\\]@dot-i[/\\]k8s-operator[/\\]/;
const KUBERNETES_CLIENT_DIR = /[/\\]node_modules[/\\]@kubernetes[/\\]client-node[/\\]/;

/**
 * The framework require()s @kubernetes/client-node only for a client of its own that the operator never uses (see
 * src/operator/framework-client-stand-in.ts). esbuild must keep all of an ES module that CommonJS require()s, and
 * everything that module imports: that require() alone put the whole package in the bundle, ~5 MB of generated
 * per-kind APIs and models, ~35 MB more resident at start. The framework gets the stand-in instead.
 */
const frameworkClientStandIn = {
  name: 'framework-client-stand-in',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, (args) =>
      FRAMEWORK_DIR.test(args.importer) ? { path: join(root, 'src/operator/framework-client-stand-in.ts') } : undefined,
    );
  },
};

/**
 * @kubernetes/client-node does not declare itself free of side effects, so esbuild keeps every module its index
 * re-exports, used or not. Its modules only define things (the one exception, polyfill.js, sets globalThis.File
 * for Node 18; the operator runs on Node 24): declared side-effect free, only what the operator imports remains.
 */
const treeShakenKubernetesClient = {
  name: 'tree-shaken-kubernetes-client',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      if (args.path !== KUBERNETES_CLIENT && !KUBERNETES_CLIENT_DIR.test(args.importer)) return undefined;
      const { path, namespace, external, errors } = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (errors.length > 0 || !KUBERNETES_CLIENT_DIR.test(path)) return undefined;
      return { path, namespace, external, sideEffects: false };
    });
  },
};

/** Bundles into `outdir` (emptied first); resolves to esbuild's metafile (every input, with its size). */
export async function bundle(outdir = join(root, 'dist')) {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/main.ts'],
    outfile: join(outdir, 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    // The CommonJS libraries inside call require() for Node's own modules: an ES module has none of its own.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    plugins: [bundledFramework, frameworkClientStandIn, treeShakenKubernetesClient],
  });
  return result.metafile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
}
