// Runs the fixture operator as a real child process against the run's cluster and follows its JSON logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type V1CustomResourceDefinition,
  type V1Lease,
} from '@kubernetes/client-node';
import type { LeaseRecord } from '../../src/runtime/leader-election.js';
import { leaseToRecord } from '../../src/runtime/lease-api.js';
import { metricSum } from '../../src/runtime/testing/metrics-text.js';
import { adminKubeConfig, waitFor } from '../support/cluster.js';
import { scanLogs, outputLines, type OperatorLogLine } from '../support/log-scan.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

export interface FixtureOperatorOptions {
  name: string;
  namespace: string;
  env?: Record<string, string>;
}

export class FixtureOperatorProcess {
  readonly logs: OperatorLogLine[] = [];
  readonly stderr: string[] = [];
  exitCode: number | null | undefined;
  signal: NodeJS.Signals | null | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly kubeconfig: string | undefined;
  private logScan: Promise<void> | undefined;

  constructor(readonly options: FixtureOperatorOptions) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OWNER_ID: 'e2e-runtime',
      OPERATOR_NAMESPACE: options.namespace,
      WATCH_NAMESPACES: options.namespace,
      POD_NAME: options.name,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'debug',
      LEASE_NAME: 'runtime-e2e-leader',
      RESYNC_PERIOD: '0',
      SHUTDOWN_TIMEOUT: '5s',
      ...options.env,
    };
    this.kubeconfig = env.KUBECONFIG;
    // One process (tsx as a loader, not the tsx CLI, which forks a child that SIGKILL would orphan).
    this.child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixture-operator.ts')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.parse(line);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolveExit) => {
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        resolveExit();
      });
    });
  }

  private parse(line: string): void {
    if (!line.trim()) return;
    try {
      this.logs.push(JSON.parse(line) as OperatorLogLine);
    } catch {
      this.logs.push({ message: line, level: 'raw' });
    }
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why waiting is pointless: the process is gone. */
  private readonly gone = (): string | undefined =>
    this.alive
      ? undefined
      : `operator ${this.options.name} exited (${this.exitCode ?? this.signal}): ${this.stderr.join('')}`;

  /** Waits for a log line matching `match`; returns it. On failure the error carries the last log lines. */
  async waitForLog(
    match: (line: OperatorLogLine) => boolean,
    description: string,
    timeoutMs = 30_000,
  ): Promise<OperatorLogLine> {
    try {
      return await waitFor(() => Promise.resolve(this.logs.find(match)), {
        timeoutMs,
        description: `${this.options.name}: ${description}`,
        giveUpIf: this.gone,
      });
    } catch (err: unknown) {
      throw new Error(`${(err as Error).message}\nlast log lines:\n${this.tail(15)}`, { cause: err });
    }
  }

  tail(n: number): string {
    return this.logs
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  count(match: (line: OperatorLogLine) => boolean): number {
    return this.logs.filter(match).length;
  }

  /** The health server port, from the "starting" log line. */
  async port(): Promise<number> {
    const line = await this.waitForLog(
      (l) => l.message === 'starting' && typeof l.port === 'number',
      'the starting line',
    );
    return line.port as number;
  }

  async http(path: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`http://127.0.0.1:${await this.port()}${path}`);
    return { status: response.status, body: await response.text() };
  }

  /** The sum of a metric's samples whose labels contain `labels` (e.g. `name="probe"`), from /metrics. */
  async metric(name: string, labels = ''): Promise<number> {
    return metricSum((await this.http('/metrics')).body, name, labels);
  }

  /** Its leader-election identity (pod name + random suffix), from the "starting" log line. */
  async identity(): Promise<string> {
    const line = await this.waitForLog((l) => l.message === 'starting', 'the starting line');
    return String(line.identity);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /**
   * Resolves when the process has exited; SIGKILLs it after `timeoutMs`. Then reports any secret in its logs
   * (e2e/support/log-scan.ts).
   */
  async waitForExit(timeoutMs = 20_000): Promise<void> {
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    await this.scanLogs();
  }

  /** For afterEach/afterAll: make sure nothing is left running (and report any secret in its logs). */
  async dispose(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited;
    await this.scanLogs();
  }

  /** Once per process, after it has exited. */
  private scanLogs(): Promise<void> {
    this.logScan ??= scanLogs({
      name: `operator ${this.options.name}`,
      lines: outputLines(this.logs, this.stderr),
      kubeconfig: this.kubeconfig,
    });
    return this.logScan;
  }
}

export const reconciledKeys = (p: FixtureOperatorProcess, controller: string): string[] =>
  p.logs.filter((l) => l.message === `${controller} reconciled`).map((l) => String(l.key));

/** Creates (or keeps) a CRD and waits until it is served. */
export async function ensureCrd(kc: KubeConfig, crd: V1CustomResourceDefinition): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const name = crd.metadata!.name!;
  try {
    await ext.createCustomResourceDefinition({ body: crd });
  } catch (err: unknown) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
  await waitFor(
    async () => {
      const current = await ext.readCustomResourceDefinition({ name });
      return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    },
    { description: `CRD ${name} established` },
  );
}

export async function deleteCrd(kc: KubeConfig, name: string): Promise<void> {
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  await ext.deleteCustomResourceDefinition({ name });
  await waitFor(
    () =>
      ext.readCustomResourceDefinition({ name }).then(
        () => false,
        (err: unknown) => (err as { code?: number }).code === 404,
      ),
    { description: `CRD ${name} gone`, timeoutMs: 60_000 },
  );
}

export function customObjects(): CustomObjectsApi {
  return adminKubeConfig().makeApiClient(CustomObjectsApi);
}

/**
 * Every version of the objects a watch on the collection at `path` delivers (narrowed by `fieldSelector`), from
 * their state when it starts, in the API server's order: what was written, as the API server saw it.
 */
export interface WatchHistory<T> {
  readonly versions: T[];
  /** Why the watch ended before stop() (a gap in the history), if it did. */
  readonly ended: () => unknown;
  stop(): void;
}

export async function watchHistory<T extends KubernetesObject>(
  path: string,
  fieldSelector: string,
): Promise<WatchHistory<T>> {
  const versions: T[] = [];
  let stopped = false;
  let ended: unknown;
  const request = await new Watch(adminKubeConfig()).watch(
    path,
    { fieldSelector },
    (phase: string, object: T) => {
      if (phase !== 'BOOKMARK' && phase !== 'ERROR') versions.push(object);
    },
    (err: unknown) => {
      if (!stopped) ended = err ?? new Error('the watch ended');
    },
  );
  return {
    versions,
    ended: () => ended,
    stop: () => {
      stopped = true;
      request.abort();
    },
  };
}

/** The Lease's versions so far (no gap allowed), and the index of the first one `identity` holds (not the first). */
export function takeover(history: WatchHistory<V1Lease>, identity: string): { records: LeaseRecord[]; at: number } {
  expect(history.ended()).toBeUndefined();
  const records = history.versions.map((lease) => leaseToRecord(lease));
  const at = records.findIndex((r) => r.holderIdentity === identity);
  expect(at).toBeGreaterThan(0);
  return { records, at };
}
