// Ships no test code: builds src/ with tsconfig.build.json (as `npm run build` and the Dockerfile do) into a
// scratch directory and fails when the output holds a test helper (a `testing/` directory), a test file, or
// any module that dist/main.js never loads (other than a package's index.js, its public surface). Test helpers
// live in `src/**/testing/`, which tsconfig.build.json excludes; a production module that imports one would
// pull it back in, and this check says which.
//
//   node scripts/check-dist.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir) {
  const out = [];
  const walk = (at) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

/** The modules `entry` loads, transitively, through relative static or dynamic imports. */
function loadedFrom(dir, entry) {
  const seen = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      pending.push(relative(dir, resolve(dir, dirname(file), match[1])));
    }
  }
  return seen;
}

/** A module of types only compiles to `export {};`: nothing to load, nothing shipped. */
function typesOnly(dir, file) {
  const code = readFileSync(join(dir, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  return code.trim() === 'export {};';
}

/**
 * What must not ship, with the reason. `files` are the build's outputs (relative paths), `loaded` the modules
 * main.js loads, `empty(file)` whether a module holds no code.
 */
function testCodeIn(files, loaded, empty) {
  const problems = [];
  for (const file of files) {
    const module = file.replace(/\.map$/, '');
    if (module.split('/').includes('testing')) problems.push(`${file}: a test helper (testing/)`);
    else if (/\.test\.js$/.test(module)) problems.push(`${file}: a test`);
    else if (module.endsWith('.js') && !loaded.has(module) && !module.endsWith('index.js') && !empty(module)) {
      problems.push(`${file}: not loaded by main.js (test-only or dead code?)`);
    }
  }
  return problems;
}

function main() {
  const out = mkdtempSync(join(tmpdir(), 'cloudflare-operator-dist-'));
  try {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', out],
      { stdio: 'inherit' },
    );
    const problems = testCodeIn(filesUnder(out), loadedFrom(out, 'main.js'), (file) => typesOnly(out, file));
    if (problems.length > 0) {
      console.error(`the build would ship test code:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
      return;
    }
    console.log('dist/ holds no test code');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
