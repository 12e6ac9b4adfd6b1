// The operator's requests to the API server, from kube-apiserver's audit log. The bench cluster runs with a
// policy that logs (at Metadata level, once per request) only what the chart's ServiceAccount asks; counting its
// lines in a time window gives the operator's Kubernetes writes and reads.
import { readFile } from 'node:fs/promises';

export const OPERATOR_NAMESPACE = 'cfo-bench';
export const OPERATOR_SERVICE_ACCOUNT = 'cfo-cloudflare-operator';
export const OPERATOR_USER = `system:serviceaccount:${OPERATOR_NAMESPACE}:${OPERATOR_SERVICE_ACCOUNT}`;

export function auditPolicy(user = OPERATOR_USER): string {
  return [
    'apiVersion: audit.k8s.io/v1',
    'kind: Policy',
    'omitStages: [RequestReceived, ResponseStarted]',
    'rules:',
    '  - level: Metadata',
    `    users: ["${user}"]`,
    '  - level: None',
    '',
  ].join('\n');
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const READ_VERBS = new Set(['get', 'list']);

export interface AuditCounts {
  /** Writes by `verb resource[/subresource]`, leader-election Leases excluded. */
  writes: Record<string, number>;
  /** Gets and lists (watches excluded) by `verb resource`. */
  reads: Record<string, number>;
  /** Writes by `resource[/subresource] name` (Leases excluded). */
  writesByObject: Record<string, number>;
  /** Writes to the leader-election Lease (renewals every retry period; not reconcile writes). */
  leaseWrites: number;
}

interface AuditEvent {
  verb?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  requestReceivedTimestamp?: string;
}

const add = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

function tally(counts: AuditCounts, event: AuditEvent): void {
  const ref = event.objectRef ?? {};
  const what = `${ref.resource ?? '?'}${ref.subresource ? `/${ref.subresource}` : ''}`;
  const verb = event.verb ?? '?';
  if (READ_VERBS.has(verb)) add(counts.reads, `${verb} ${what}`);
  if (!WRITE_VERBS.has(verb)) return;
  if (ref.resource === 'leases') {
    counts.leaseWrites++;
    return;
  }
  add(counts.writes, `${verb} ${what}`);
  add(counts.writesByObject, `${what} ${ref.name ?? ''}`);
}

/** The operator's requests received in [fromMs, toMs] (epoch milliseconds). */
export async function auditCounts(logFile: string, fromMs: number, toMs: number): Promise<AuditCounts> {
  const counts: AuditCounts = { writes: {}, writesByObject: {}, reads: {}, leaseWrites: 0 };
  let text: string;
  try {
    text = await readFile(logFile, 'utf8');
  } catch {
    return counts;
  }
  for (const line of text.split('\n')) {
    if (!line.includes(OPERATOR_USER)) continue;
    const event = JSON.parse(line) as AuditEvent;
    const at = Date.parse(event.requestReceivedTimestamp ?? '');
    if (event.user?.username === OPERATOR_USER && at >= fromMs && at <= toMs) tally(counts, event);
  }
  return counts;
}

export const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
