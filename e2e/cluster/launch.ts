// Starts the cluster daemon (daemon.ts) in its own process and waits for its state file.
// attached: the daemon gets SIGTERM when its parent dies (jest runs); detached: it outlives the caller
// (`npm run cluster:up`) until `npm run cluster:down`.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterState } from './daemon.js';
import { waitFor } from './wait.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface LaunchOptions {
  workDir: string;
  detached: boolean;
  timeoutMs?: number;
  /** An audit Policy (YAML): kube-apiserver then writes what it selects to the state's `auditLog`. */
  auditPolicy?: string;
}

export function readState(workDir: string): ClusterState | undefined {
  const file = join(workDir, 'state.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function launchClusterDaemon(options: LaunchOptions): Promise<ClusterState> {
  const { workDir, detached, timeoutMs = 45 * 60_000, auditPolicy } = options;
  const logFile = join(workDir, 'daemon.log');
  const env = { ...process.env };
  if (auditPolicy) {
    env.CLUSTER_AUDIT_POLICY = join(workDir, 'audit-policy.yaml');
    writeFileSync(env.CLUSTER_AUDIT_POLICY, auditPolicy);
  }
  const out = openSync(logFile, 'a');
  const node = [process.execPath, '--import', 'tsx', join(here, 'daemon.ts'), workDir];
  const [command, args] = detached ? [node[0]!, node.slice(1)] : ['setpriv', ['--pdeathsig', 'SIGTERM', '--', ...node]];
  const child = spawn(command, args, { detached, stdio: ['ignore', out, out], cwd: join(here, '../..'), env });
  let exitCode: number | null = null;
  child.on('exit', (code) => (exitCode = code ?? -1));
  if (detached) child.unref();
  const daemonLog = (): string => readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
  return waitFor(() => Promise.resolve(readState(workDir)), {
    timeoutMs,
    intervalMs: 200,
    description: `the local cluster (log: ${logFile})`,
    giveUpIf: () => (exitCode === null ? undefined : `the cluster daemon exited with ${exitCode}:\n${daemonLog()}`),
  });
}

/** Sends SIGTERM to the daemon and waits until it and its work directory are gone. */
export async function stopClusterDaemon(state: ClusterState, timeoutMs = 60_000): Promise<void> {
  if (isAlive(state.pid)) process.kill(state.pid, 'SIGTERM');
  await waitFor(() => Promise.resolve(!isAlive(state.pid) && !existsSync(state.workDir)), {
    timeoutMs,
    description: `cluster daemon ${state.pid} to stop`,
  });
}
