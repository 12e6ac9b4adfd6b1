// `npm run cluster:up` / `npm run cluster:down`: a local cluster for a shell. `up` prints the kubeconfig path.
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, launchClusterDaemon, readState, stopClusterDaemon } from './launch.js';

const workDir = process.env.CLUSTER_DIR ?? join(tmpdir(), 'cloudflare-operator-cluster');

async function up(): Promise<void> {
  const existing = readState(workDir);
  if (existing && isAlive(existing.pid)) {
    process.stdout.write(`${existing.kubeconfig}\n`);
    return;
  }
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const state = await launchClusterDaemon({ workDir, detached: true });
  process.stderr.write(`cluster up: API server ${state.server}, logs in ${state.logDir}\n`);
  process.stderr.write(`use it with: export KUBECONFIG=${state.kubeconfig}\n`);
  process.stdout.write(`${state.kubeconfig}\n`);
}

async function down(): Promise<void> {
  const state = readState(workDir);
  if (state) await stopClusterDaemon(state);
  await rm(workDir, { recursive: true, force: true });
  process.stderr.write('cluster down\n');
}

const command = process.argv[2];
const action = command === 'up' ? up : command === 'down' ? down : undefined;
if (!action) {
  process.stderr.write('usage: cli.ts up|down\n');
  process.exit(2);
}
action().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
