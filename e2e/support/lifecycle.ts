// One real local cluster per e2e run (jest globalSetup/globalTeardown call these through the .mjs shims).
// The cluster daemon dies with this process (parent-death signal), so a killed run leaves nothing behind.
import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterState } from '../cluster/daemon.js';
import { auditPolicy } from '../cluster/audit.js';
import { launchClusterDaemon, stopClusterDaemon } from '../cluster/launch.js';

/**
 * What kube-apiserver audits: the requests of every ServiceAccount outside kube-system (the operator running
 * under the chart's ServiceAccount token is one: e2e/chart checks the verbs it used); not kube-system's
 * controllers, which would fill the log.
 */
const E2E_AUDIT_POLICY = auditPolicy(
  { userGroups: ['system:serviceaccounts'] },
  { userGroups: ['system:serviceaccounts:kube-system'] },
);

export async function setup(): Promise<void> {
  const workDir = await mkdtemp(join(tmpdir(), 'cfo-e2e-'));
  const started = Date.now();
  const state = await launchClusterDaemon({ workDir, detached: false, auditPolicy: E2E_AUDIT_POLICY });
  process.env.KUBECONFIG = state.kubeconfig;
  process.env.E2E_CLUSTER_STATE = join(workDir, 'state.json');
  process.stderr.write(
    `\nlocal cluster ready in ${Date.now() - started} ms: ${state.server} (logs: ${state.logDir})\n`,
  );
}

export async function teardown(): Promise<void> {
  const stateFile = process.env.E2E_CLUSTER_STATE;
  if (!stateFile) return;
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
  await stopClusterDaemon(state);
}
