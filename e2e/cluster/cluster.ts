// A real local Kubernetes cluster on loopback: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok (fake nodes on which pods go Running and Ready). Free ports everywhere, so two
// clusters can run side by side; everything lives in one work directory that stop() removes.
import { readdir, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { adminKubeconfig, createPki, type ClusterPki } from './pki.js';
import { exitReason, startProcess, stopProcess, type ManagedProcess } from './processes.js';
import { waitFor } from './wait.js';
import { createFakeNodes } from './nodes.js';
import type { V1Node } from '@kubernetes/client-node';

export const SERVICE_CIDR = '10.96.0.0/16';
export const FAKE_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export interface ClusterOptions {
  /** Directory holding the binaries built by e2e/cluster/build.sh. */
  binDir: string;
  /** Directory holding kwok's Stage files. */
  stagesDir: string;
  /** Empty work directory for data, PKI, logs and the kubeconfig; removed by stop(). */
  workDir: string;
  /** Number of kwok fake nodes (default 1). */
  nodes?: number;
  /** An audit Policy file: kube-apiserver then logs what it selects to `<workDir>/logs/audit.log` (audit.ts). */
  auditPolicyFile?: string;
}

export interface RunningCluster {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly workDir: string;
  readonly logDir: string;
  /** kube-apiserver's audit log, when started with an audit policy. */
  readonly auditLog: string | undefined;
  restartApiServer(): Promise<void>;
  stop(options?: { keepWorkDir?: boolean }): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function httpsGet(url: string, pki: ClusterPki): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(pki.caCert),
        cert: readFileSync(pki.adminCert),
        key: readFileSync(pki.adminKey),
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
}

function etcdArgs(workDir: string, ports: Ports): string[] {
  return [
    '--name=default',
    `--data-dir=${join(workDir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
    `--initial-cluster=default=http://127.0.0.1:${ports.etcdPeer}`,
    '--unsafe-no-fsync', // a throwaway cluster: trade durability for speed
    '--log-level=warn',
  ];
}

const auditLogOf = (workDir: string): string => join(workDir, 'logs', 'audit.log');

function auditArgs(workDir: string, policyFile: string | undefined): string[] {
  if (!policyFile) return [];
  return [`--audit-policy-file=${policyFile}`, `--audit-log-path=${auditLogOf(workDir)}`];
}

function apiserverArgs(workDir: string, pki: ClusterPki, ports: Ports, auditPolicyFile?: string): string[] {
  return [
    ...auditArgs(workDir, auditPolicyFile),
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The endpoint reconciler refuses a loopback advertise address; nothing in-cluster needs that endpoint here.
    '--endpoint-reconciler-type=none',
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${join(workDir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=Node,RBAC',
    // As on hardened clusters (OpenShift turns it on): an ownerReference with blockOwnerDeletion needs `update` on
    // the owner's finalizers, and changing the ownerReferences of an existing object needs `delete` on it. The
    // chart's RBAC is tested under it (e2e/chart/rbac.e2e.test.ts).
    '--enable-admission-plugins=OwnerReferencesPermissionEnforcement',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ];
}

function controllerManagerArgs(kubeconfig: string, pki: ClusterPki): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    '--controllers=*,-nodeipam',
    '--use-service-account-credentials',
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    // kwok renews the fake nodes' Leases from one process that a busy machine can starve. A node marked NotReady
    // turns every pod on it NotReady, and kwok's stages ready only Pending pods: they would stay NotReady for
    // good. A long grace period keeps a stalled heartbeat from taking every cloudflared pod down.
    '--node-monitor-grace-period=5m',
    '--leader-elect=false',
    '--secure-port=0',
    '--v=1',
  ];
}

function schedulerArgs(kubeconfig: string): string[] {
  return [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--secure-port=0', '--v=1'];
}

async function kwokArgs(kubeconfig: string, stagesDir: string, workDir: string): Promise<string[]> {
  // kwok takes its Stage objects through --config; one multi-document file holds all of them.
  const files = (await readdir(stagesDir)).filter((f) => f.endsWith('.yaml')).sort();
  const stages = files.map((f) => readFileSync(join(stagesDir, f), 'utf8')).join('\n---\n');
  const configPath = join(workDir, 'kwok.yaml');
  await writeFile(configPath, stages);
  return [
    `--kubeconfig=${kubeconfig}`,
    `--config=${configPath}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION}=fake`,
    '--cidr=10.244.0.0/16',
    '--node-ip=10.0.0.1',
    // The fake nodes' heartbeat: kwok renews a Lease per node (every quarter of this). Without it (the default, 0)
    // only the heartbeat stage writes the node's status, every 10 minutes, and the node-lifecycle controller marks
    // the node NotReady after --node-monitor-grace-period: every pod on it then stays NotReady for good.
    '--node-lease-duration-seconds=40',
    `--server-address=127.0.0.1:${await freePort()}`,
  ];
}

function fakeNode(name: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [FAKE_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '250' },
      capacity: { cpu: '32', memory: '256Gi', pods: '250' },
    },
  };
}

export { freePort };
export type { ManagedProcess };

/** Starts a cluster and resolves once the API server is ready and every fake node is Ready. */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const { binDir, stagesDir, workDir, nodes = 1, auditPolicyFile } = options;
  const logDir = join(workDir, 'logs');
  const pkiDir = join(workDir, 'pki');
  await mkdir(logDir, { recursive: true });
  await mkdir(pkiDir, { recursive: true });
  const processes = new Map<string, ManagedProcess>();
  const bin = (name: string): string => join(binDir, name);
  const stopAll = async (): Promise<void> => {
    for (const name of ['kwok', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd']) {
      const process = processes.get(name);
      if (process) await stopProcess(process);
    }
  };

  try {
    const [pki, etcdClient, etcdPeer, apiserver] = await Promise.all([
      createPki(pkiDir),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const ports: Ports = { etcdClient, etcdPeer, apiserver };
    const server = `https://127.0.0.1:${ports.apiserver}`;
    const kubeconfigPath = join(workDir, 'admin.kubeconfig');
    await writeFile(kubeconfigPath, await adminKubeconfig(pki, server), { mode: 0o600 });

    const etcd = startProcess('etcd', bin('etcd'), etcdArgs(workDir, ports), logDir);
    processes.set('etcd', etcd);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${ports.etcdClient}/health`)).ok, {
      description: 'etcd health',
      timeoutMs: 30_000,
      giveUpIf: () => exitReason(etcd),
    });

    const startApiServer = async (): Promise<void> => {
      const apiserver = startProcess(
        'kube-apiserver',
        bin('kube-apiserver'),
        apiserverArgs(workDir, pki, ports, auditPolicyFile),
        logDir,
      );
      processes.set('kube-apiserver', apiserver);
      await waitFor(async () => (await httpsGet(`${server}/readyz`, pki)).status === 200, {
        description: `kube-apiserver /readyz (logs: ${join(logDir, 'kube-apiserver.log')})`,
        timeoutMs: 60_000,
        giveUpIf: () => exitReason(apiserver),
      });
    };
    await startApiServer();

    processes.set(
      'kube-controller-manager',
      startProcess(
        'kube-controller-manager',
        bin('kube-controller-manager'),
        controllerManagerArgs(kubeconfigPath, pki),
        logDir,
      ),
    );
    processes.set(
      'kube-scheduler',
      startProcess('kube-scheduler', bin('kube-scheduler'), schedulerArgs(kubeconfigPath), logDir),
    );
    processes.set(
      'kwok',
      startProcess('kwok', bin('kwok'), await kwokArgs(kubeconfigPath, stagesDir, workDir), logDir),
    );

    await createFakeNodes(
      kubeconfigPath,
      Array.from({ length: nodes }, (_, i) => fakeNode(`kwok-node-${i}`)),
    );

    return {
      server,
      kubeconfigPath,
      workDir,
      logDir,
      auditLog: auditPolicyFile ? auditLogOf(workDir) : undefined,
      async restartApiServer(): Promise<void> {
        const current = processes.get('kube-apiserver');
        if (current) await stopProcess(current);
        await startApiServer();
      },
      async stop({ keepWorkDir = false } = {}): Promise<void> {
        await stopAll();
        if (!keepWorkDir) await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    throw new Error(`local cluster failed to start (logs in ${logDir})`, { cause: error });
  }
}
