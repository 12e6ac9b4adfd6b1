// The end-of-life check of every operator process the e2e suite runs (e2e/tunnel/support.ts and e2e/runtime/harness.ts
// call it when their process has exited): no log line may hold a token, key, tunnel secret, tunnel token or
// credentials file, and none may report a write the API server refused as invalid (HTTP 422: an object the operator
// built wrong, which it only logs, as it does for Events). The secret values come from where they live at that
// moment: every Secret in the cluster, the Cloudflare emulator the process talked to, and the kubeconfig it
// authenticated with; values seen by an earlier check of the same test file are kept, so a Secret deleted since
// still counts. What is found fails the test file (e2e/support/environment.mjs).
import { readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ControlClient } from '../../test/cloudflare-emulator/index.js';
import { adminKubeConfig, waitFor } from './cluster.js';
import { describeLeaks, findLeaks, secretValuesOf } from './log-secrets.js';

/** Secret value → where it came from. */
const remembered = new Map<string, string>();

function remember(value: string, origin: string): void {
  if (!remembered.has(value)) remembered.set(value, origin);
}

async function clusterSecrets(): Promise<void> {
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  // The API server may be restarting for a test: wait for it, and only if it stays away scan with the values seen
  // before.
  const list = await waitFor(() => core.listSecretForAllNamespaces(), {
    description: "the cluster's Secrets",
    timeoutMs: 30_000,
    intervalMs: 250,
  }).catch((err: unknown) => {
    process.stderr.write(`log scan: could not list the cluster's Secrets: ${(err as Error).message}\n`);
    return { items: [] };
  });
  for (const secret of list.items) {
    const decoded = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    const where = `Secret ${secret.metadata?.namespace}/${secret.metadata?.name}`;
    for (const value of secretValuesOf(decoded)) remember(value, where);
  }
}

/** The emulator's credentials; an emulator already closed has nothing more to tell (its values were seen before). */
async function emulatorSecrets(apiBaseUrl: string | undefined): Promise<void> {
  if (!apiBaseUrl) return;
  const values = await new ControlClient(new URL(apiBaseUrl).origin).secrets().catch(() => []);
  for (const value of values) remember(value, 'a Cloudflare emulator credential');
}

function kubeconfigSecrets(path: string | undefined): void {
  if (!path) return;
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  for (const user of kc.getUsers()) {
    const key = user.keyData ?? (user.keyFile ? readFileSync(user.keyFile).toString('base64') : undefined);
    const values = [user.token, key, key && Buffer.from(key, 'base64').toString('utf8')];
    for (const value of values) if (value) remember(value, `the kubeconfig credentials of ${user.name}`);
  }
}

/** One JSON line an operator process (the real one or the runtime fixture) logged. */
export type OperatorLogLine = Record<string, unknown> & { message?: string; level?: string };

/** A process's output as lines: its parsed JSON log records, then what it wrote to stderr. */
export function outputLines(logs: readonly object[], stderr: readonly string[]): string[] {
  return [...logs.map((l) => JSON.stringify(l)), ...stderr.join('').split('\n')];
}

export interface ScannedProcess {
  /** For the report: which process. */
  name: string;
  /** Its log lines (stdout and stderr). */
  lines: readonly string[];
  /** The Cloudflare API it was pointed at, if any. */
  apiBaseUrl?: string;
  /** The kubeconfig it ran with. */
  kubeconfig?: string;
}

/** Set by the e2e Jest environment (e2e/support/environment.mjs), which fails the file after its cleanup. */
declare global {
  var reportLogProblem: ((report: string) => void) | undefined;
}

/** Warnings and errors that carry an API server's 422 (Invalid): the operator sent an object the API refuses. */
export function invalidWrites(lines: readonly string[]): string[] {
  return lines.filter((line) => /"level":"(warn|error)"/.test(line) && line.includes('HTTP 422'));
}

function report(problem: string): void {
  if (!globalThis.reportLogProblem) throw new Error(problem);
  globalThis.reportLogProblem(problem);
}

/**
 * Reports, naming line, form and origin (never the value), a known secret in the process's logs, and any write the
 * API server refused as invalid: to the e2e Jest environment, which fails the test file once its hooks have run;
 * elsewhere (the benchmarks) by throwing.
 */
export async function scanLogs(scanned: ScannedProcess): Promise<void> {
  await Promise.all([clusterSecrets(), emulatorSecrets(scanned.apiBaseUrl)]);
  kubeconfigSecrets(scanned.kubeconfig);
  const leaks = findLeaks(scanned.lines, remembered);
  if (leaks.length > 0) report(describeLeaks(scanned.name, leaks, scanned.lines, remembered));
  const invalid = invalidWrites(scanned.lines);
  // Not printed next to a leak (the lines may hold it): the file fails on the leak already.
  if (invalid.length > 0 && leaks.length === 0) {
    report(
      `${scanned.name}: the API server refused ${invalid.length} write(s) as invalid (HTTP 422):\n${invalid.slice(0, 5).join('\n')}`,
    );
  }
}
