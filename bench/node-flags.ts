// The Node flags and environment the operator runs with in its image, so that the benchmarks measure it exactly
// as users run it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const readDockerfile = (): string => readFileSync(join(root, 'Dockerfile'), 'utf8');

/** The Node flags the image's ENTRYPOINT gives the operator (`node <flags> dist/main.js`), read from the Dockerfile. */
export function imageNodeFlags(dockerfile = readDockerfile()): string[] {
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const argv = line ? (JSON.parse(line) as unknown) : undefined;
  if (!Array.isArray(argv) || argv[0] !== 'node' || argv.at(-1) !== 'dist/main.js') {
    throw new Error('the Dockerfile has no ENTRYPOINT ["node", ...flags, "dist/main.js"]');
  }
  return argv.slice(1, -1).map(String);
}

/**
 * The environment the image sets (`ENV NAME=value` lines of the Dockerfile), which the operator's process gets too:
 * some of it tunes the runtime (MALLOC_ARENA_MAX). One name=value pair per line, the form this Dockerfile uses.
 */
export function imageEnv(dockerfile = readDockerfile()): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of dockerfile.split('\n')) {
    if (!/^ENV\s/.test(line)) continue;
    const pair = /^ENV\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>\S*)\s*$/.exec(line)?.groups;
    if (pair?.name === undefined || pair.value === undefined) {
      throw new Error(`the Dockerfile's "${line}" is not one ENV NAME=value`);
    }
    env[pair.name] = pair.value;
  }
  return env;
}

/** The NODE_OPTIONS the chart gives the operator by default: its V8 heap limit (`heapLimit`, MiB) from values.yaml. */
export function chartNodeOptions(
  values = readFileSync(join(root, 'charts', 'cloudflare-operator', 'values.yaml'), 'utf8'),
): string {
  const heapLimit = (parse(values) as { heapLimit?: unknown } | null)?.heapLimit;
  if (!Number.isInteger(heapLimit)) throw new Error('the chart values have no integer heapLimit');
  return `--max-old-space-size=${String(heapLimit)}`;
}

/** The operator's NODE_OPTIONS in the benchmarks: `--operator-node-options` if given, else the chart's default. */
export function operatorNodeOptions(): string {
  return process.env.BENCH_OPERATOR_NODE_OPTIONS ?? chartNodeOptions();
}
