// Runs one local cluster until it is told to stop. Usage: daemon.ts WORK_DIR
// Writes WORK_DIR/state.json and prints "READY <state file>" once the cluster is up. SIGTERM/SIGINT (or the
// death of its parent, through setpriv's parent-death signal) stop every component and remove WORK_DIR.
// A loopback control endpoint lets tests restart the API server: POST /restart/kube-apiserver.
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clusterBinaries } from './binaries.js';
import { startCluster, type RunningCluster } from './cluster.js';

export interface ClusterState {
  pid: number;
  server: string;
  kubeconfig: string;
  workDir: string;
  logDir: string;
  control: string;
  /** kube-apiserver's audit log, when the cluster runs with an audit policy. */
  auditLog?: string;
}

async function main(): Promise<void> {
  const workDir = resolve(process.argv[2] ?? '');
  if (!process.argv[2]) throw new Error('usage: daemon.ts WORK_DIR');
  const nodes = Number(process.env.CLUSTER_NODES ?? '1');
  // CLUSTER_AUDIT_POLICY: an audit Policy file for kube-apiserver (launch.ts writes it; see audit.ts).
  const auditPolicyFile = process.env.CLUSTER_AUDIT_POLICY || undefined;
  const cluster: RunningCluster = await startCluster({ ...(await clusterBinaries()), workDir, nodes, auditPolicyFile });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= cluster.stop().finally(() => process.exit(0)));
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop());

  const control = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/restart/kube-apiserver') {
      cluster.restartApiServer().then(
        () => res.writeHead(204).end(),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ready) => control.listen(0, '127.0.0.1', ready));
  const address = control.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const state: ClusterState = {
    pid: process.pid,
    server: cluster.server,
    kubeconfig: cluster.kubeconfigPath,
    workDir,
    logDir: cluster.logDir,
    control: `http://127.0.0.1:${port}`,
    auditLog: cluster.auditLog,
  };
  const stateFile = join(workDir, 'state.json');
  await writeFile(stateFile, JSON.stringify(state, null, 2));
  process.stdout.write(`READY ${stateFile}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `cluster daemon failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  if (error instanceof Error && error.cause instanceof Error) process.stderr.write(`cause: ${error.cause.message}\n`);
  process.exit(1);
});
