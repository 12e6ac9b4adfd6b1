// What the tunnel e2e tests share: the operator as a real child process (src/main.ts through tsx) pointed at the
// run's cluster and an in-process Cloudflare emulator, a small Kubernetes client, and object builders.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { API_VERSION, FINALIZER } from '../../src/api/constants.js';
import type { Condition, TunnelLike, TunnelSpec } from '../../src/api/types.js';
import { createKubeTransport, ResourceClient, resourcePath, type ResourceType } from '../../src/runtime/kube-client.js';
import { readOptional } from '../../src/controllers/shared/apply.js';
import { SECRET } from '../../src/controllers/shared/resources.js';
import { startEmulator, type RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { adminKubeConfig, clusterState, createTestNamespace, waitFor, type TestNamespace } from '../support/cluster.js';
import { SimulatedCloudflared } from '../support/simulated-cloudflared.js';
import { scanLogs, outputLines, type OperatorLogLine } from '../support/log-scan.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const client = new ResourceClient(createKubeTransport(adminKubeConfig()));
export const OWNER_ID = 'e2e-tunnel';
export { FINALIZER };

import { installCrds } from '../support/crds.js';

export { installCrds };

/** Set by the e2e Jest environment (e2e/support/environment.mjs), which kills what a test file left running. */
declare global {
  var trackProcess: ((child: ChildProcess) => void) | undefined;
}

/** The operator, run as in production: `node src/main.ts` (through tsx) with flags from the environment. */
export class OperatorProcess {
  readonly logs: OperatorLogLine[] = [];
  private readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private alive = true;
  private readonly env: NodeJS.ProcessEnv;
  private logScan: Promise<void> | undefined;

  /**
   * `env` overrides the defaults below (e.g. another KUBECONFIG, leader election on); `nodeArgs` what node runs
   * (default: src/main.ts through tsx; the benchmarks run the built dist/main.js).
   */
  constructor(
    operatorNamespace: string,
    apiBaseUrl: string,
    env: NodeJS.ProcessEnv = {},
    // node --import tsx, not the tsx CLI: the CLI forks a second process that a SIGKILL would orphan.
    nodeArgs: string[] = ['--import', 'tsx', join(root, 'src', 'main.ts')],
  ) {
    this.env = {
      ...process.env,
      KUBECONFIG: clusterState().kubeconfig,
      OWNER_ID,
      OPERATOR_NAMESPACE: operatorNamespace,
      CLOUDFLARE_API_BASE_URL: apiBaseUrl,
      LEADER_ELECT: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      RESYNC_PERIOD: '0',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT: '5s',
      ...env,
    };
    this.child = spawn(process.execPath, nodeArgs, { cwd: root, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    globalThis.trackProcess?.(this.child);
    let buffered = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.logs.push(parseLine(line));
    });
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((done) => this.child.on('exit', () => ((this.alive = false), done())));
  }

  /** The operator's process ID (for its RSS and CPU time in /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  readonly gone = (): string | undefined => (this.alive ? undefined : `operator exited: ${this.stderr.join('')}`);

  /** Reconciles of `key` completed so far (the runtime logs one debug line per reconcile). */
  reconciles(key: string): number {
    return this.logs.filter((l) => l.key === key && typeof l.message === 'string' && l.message.startsWith('reconcile'))
      .length;
  }

  /** Its last warnings and errors, one line each: what a timed-out wait prints to explain itself. */
  problems(limit = 20): string {
    const lines = this.logs
      .filter((l) => l.level === 'warn' || l.level === 'error')
      .slice(-limit)
      .map((l) => JSON.stringify(l));
    return lines.length > 0 ? `operator warnings:\n${lines.join('\n')}` : 'operator warnings: none';
  }

  /** SIGTERM (SIGKILL after 15 s); then reports any secret in its logs (e2e/support/log-scan.ts). */
  async stop(): Promise<void> {
    if (this.alive) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
    await this.scanLogs();
  }

  /** SIGKILL, as a crash or an OOM kill would end it: no shutdown, nothing finished or saved. Then the same log
   * check as stop(). */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
    await this.scanLogs();
  }

  /** Once per process, after it has exited. */
  private scanLogs(): Promise<void> {
    this.logScan ??= scanLogs({
      name: `operator ${this.env.POD_NAME ?? this.pid}`,
      lines: outputLines(this.logs, this.stderr),
      apiBaseUrl: this.env.CLOUDFLARE_API_BASE_URL,
      kubeconfig: this.env.KUBECONFIG,
    });
    return this.logScan;
  }
}

function parseLine(line: string): OperatorLogLine {
  try {
    return JSON.parse(line) as OperatorLogLine;
  } catch {
    return { message: line };
  }
}

export function getOptional<T extends KubernetesObject>(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): Promise<T | undefined> {
  return readOptional<T>(client, type, namespace, name);
}

export async function create(type: ResourceType, object: KubernetesObject): Promise<void> {
  await client.transport.request({
    method: 'POST',
    path: resourcePath(type, object.metadata?.namespace),
    body: object,
  });
}

export async function remove(type: ResourceType, namespace: string | undefined, name: string): Promise<void> {
  await client.transport.request({ method: 'DELETE', path: resourcePath(type, namespace, name) });
}

export async function mergePatch(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  patch: unknown,
): Promise<void> {
  await client.transport.request({
    method: 'PATCH',
    path: resourcePath(type, namespace, name),
    body: patch,
    contentType: 'application/merge-patch+json',
  });
}

export function apiSecret(namespace: string, name: string, token: string): V1Secret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { apiToken: token } };
}

export function tunnelObject(
  kind: 'Tunnel' | 'ClusterTunnel',
  name: string,
  namespace: string | undefined,
  spec: TunnelSpec,
): TunnelLike {
  const metadata = namespace ? { name, namespace } : { name };
  return kind === 'Tunnel'
    ? { apiVersion: API_VERSION, kind, metadata, spec }
    : { apiVersion: API_VERSION, kind, metadata, spec };
}

export function condition(tunnel: TunnelLike | undefined, type: string): Condition | undefined {
  return tunnel?.status?.conditions?.find((c) => c.type === type);
}

/** Waits until the object's condition has this status (and reason, when given); returns the object. */
export function waitForCondition(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  want: { type: string; status: string; reason?: string; op?: OperatorProcess; timeoutMs?: number },
): Promise<TunnelLike> {
  const { op, timeoutMs = 60_000 } = want;
  return waitFor(
    async () => {
      const tunnel = await getOptional<TunnelLike>(type, namespace, name);
      const c = condition(tunnel, want.type);
      const matches = c?.status === want.status && (!want.reason || c.reason === want.reason);
      return matches && tunnel?.status?.observedGeneration === tunnel?.metadata.generation ? tunnel : undefined;
    },
    { timeoutMs, description: `${name}: ${want.type}=${want.status} ${want.reason ?? ''}`, giveUpIf: op?.gone },
  );
}

export function waitGone(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  op?: OperatorProcess,
): Promise<true> {
  return waitFor(async () => (await getOptional(type, namespace, name)) === undefined || undefined, {
    timeoutMs: 60_000,
    description: `${type.kind} ${name} gone`,
    giveUpIf: op?.gone,
  });
}

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const API_TOKEN = 'emulator-api-token';

/**
 * What every tunnel suite runs against: the CRDs, an emulator, a namespace with credentials, the operator, and
 * simulated cloudflared connectors for the cloudflared Deployments of both namespaces.
 */
export interface TunnelEnvironment {
  emulator: RunningEmulator;
  ns: TestNamespace;
  opNs: TestNamespace;
  op: OperatorProcess;
  close(): Promise<void>;
}

export async function startTunnelEnvironment(prefix: string): Promise<TunnelEnvironment> {
  await installCrds();
  const emulator = await startEmulator();
  const ns = await createTestNamespace(prefix);
  const opNs = await createTestNamespace('operator');
  const cloudflared = SimulatedCloudflared.start(emulator.control, adminKubeConfig(), [ns.name, opNs.name]);
  const op = new OperatorProcess(opNs.name, emulator.apiBaseUrl);
  await create(SECRET, apiSecret(ns.name, 'cf', API_TOKEN));
  return {
    emulator,
    ns,
    opNs,
    op,
    close: async () => {
      await op.stop();
      await cloudflared.stop();
      await emulator.close();
      await ns.delete();
      await opNs.delete();
    },
  };
}
