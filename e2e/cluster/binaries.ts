// Locates (and on first use builds) the cluster binaries through e2e/cluster/build.sh.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export interface ClusterBinaries {
  binDir: string;
  stagesDir: string;
}

/** Runs build.sh (a no-op when the cache is warm) and returns where the binaries are. */
export async function clusterBinaries(): Promise<ClusterBinaries> {
  const { stdout } = await run('bash', [join(here, 'build.sh')], { maxBuffer: 16 * 1024 * 1024, timeout: 40 * 60_000 });
  const binDir = stdout.trim().split('\n').pop() ?? '';
  if (!binDir) throw new Error('e2e/cluster/build.sh printed no bin directory');
  return { binDir, stagesDir: resolve(binDir, '..', 'kwok-stages') };
}
