// The bench's local cluster: the e2e cluster daemon with an audit policy that logs the operator's requests, the
// CRDs, and the Helm chart installed with no replica (the operator runs as a process on this machine under the
// chart's ServiceAccount, as in e2e/chart). Sets E2E_CLUSTER_STATE so that the e2e helpers find the cluster.
import { CoreV1Api } from '@kubernetes/client-node';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULLNAME, chartKubeconfig, installChart } from '../e2e/chart/support.js';
import type { ClusterState } from '../e2e/cluster/daemon.js';
import { launchClusterDaemon, stopClusterDaemon } from '../e2e/cluster/launch.js';
import { adminKubeConfig } from '../e2e/support/cluster.js';
import { installCrds } from '../e2e/support/crds.js';
import { auditPolicy } from '../e2e/cluster/audit.js';
import { OPERATOR_NAMESPACE, OPERATOR_USER } from './audit.js';

export const OWNER_ID = 'bench';
export const LEASE_NAME = `${FULLNAME}-leader`;

export interface BenchCluster {
  state: ClusterState;
  auditLog: string;
  /** Scratch directory of this run (kubeconfigs, logs of the operator). */
  dir: string;
  startedInMs: number;
  /** A fresh kubeconfig for the chart's ServiceAccount (its token lives an hour: one per stage). */
  operatorKubeconfig(): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'cfo-bench-'));
  const workDir = join(dir, 'cluster');
  await mkdir(workDir);
  const started = performance.now();
  const state = await launchClusterDaemon({
    workDir,
    detached: false,
    auditPolicy: auditPolicy({ users: [OPERATOR_USER] }),
  });
  const startedInMs = Math.round(performance.now() - started);
  process.env.E2E_CLUSTER_STATE = join(workDir, 'state.json');
  process.env.KUBECONFIG = state.kubeconfig;
  const stop = async (): Promise<void> => {
    await stopClusterDaemon(state);
    await rm(dir, { recursive: true, force: true });
  };
  const auditLog = state.auditLog;
  try {
    if (!auditLog) throw new Error('the bench cluster started without an audit log');
    await installCrds();
    await adminKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: OPERATOR_NAMESPACE } } });
    // No replica: the chart gives the ServiceAccount, its RBAC and the Lease's Role; the operator runs here.
    const install = await installChart(OPERATOR_NAMESPACE, {
      ownerId: OWNER_ID,
      replicas: '0',
      'cloudflare.apiBaseUrl': 'http://127.0.0.1:9/client/v4',
    });
    if (install.code !== 0) throw new Error(`helm install: ${install.stderr}`);
  } catch (error) {
    await stop();
    throw error;
  }
  let tokens = 0;
  return {
    state,
    auditLog: auditLog ?? '', // checked above
    dir,
    startedInMs,
    operatorKubeconfig: async () => {
      const tokenDir = join(dir, `token-${++tokens}`);
      await mkdir(tokenDir);
      return chartKubeconfig(OPERATOR_NAMESPACE, tokenDir);
    },
    stop,
  };
}
