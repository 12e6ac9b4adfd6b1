// Ships no test code and no code the operator never calls: bundles the operator as `npm run build` and the
// Dockerfile do (scripts/bundle.mjs) into a scratch directory and fails when one of the bundle's inputs is a test
// helper (a `testing/` directory, the render fixtures) or a test file, or when the generated Kubernetes API clients
// are back in it. Test helpers live in `src/**/testing/`; a production module that imports one would pull it into
// the bundle, and this check says which.
//
//   node scripts/check-dist.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';

/** The inputs (paths relative to the repository) that are test code, with the reason. */
export function testCodeIn(inputs) {
  const problems = [];
  for (const input of inputs) {
    if (input.startsWith('node_modules/')) continue;
    if (input.split('/').includes('testing')) problems.push(`${input}: a test helper (testing/)`);
    else if (/\.test\.[cm]?[jt]s$/.test(input)) problems.push(`${input}: a test`);
    else if (!input.startsWith('src/')) problems.push(`${input}: not part of src/`);
  }
  return problems;
}

/**
 * The generated Kubernetes API clients in the bundle (`inputs`: the output's inputs, with their bytes in it).
 * scripts/bundle.mjs keeps them out (~5 MB of code, ~35 MB resident at start): they come back when something require()s
 * @kubernetes/client-node or uses one of its per-kind APIs, and ObjectSerializer brings every model with it.
 */
export function generatedClientIn(inputs) {
  const generated =
    /node_modules\/@kubernetes\/client-node\/dist\/gen\/(types\/|apis\/(?!exception\.js)|models\/ObjectSerializer\.js)/;
  return Object.entries(inputs)
    .filter(([input, { bytesInOutput }]) => bytesInOutput > 0 && generated.test(input))
    .map(([input]) => `${input}: generated Kubernetes client code`);
}

async function main() {
  const out = mkdtempSync(join(tmpdir(), 'cloudflare-operator-dist-'));
  try {
    const meta = await bundle(out);
    const main = Object.values(meta.outputs).find((output) => output.entryPoint !== undefined);
    const failures = [
      ['the build would ship test code', testCodeIn(Object.keys(meta.inputs))],
      ['the build would ship code the operator never calls', generatedClientIn(main?.inputs ?? {})],
    ].filter(([, problems]) => problems.length > 0);
    for (const [what, problems] of failures) console.error(`${what}:\n  ${problems.join('\n  ')}`);
    if (failures.length > 0) process.exitCode = 1;
    else console.log('dist/ holds no test code and no generated Kubernetes API client');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
