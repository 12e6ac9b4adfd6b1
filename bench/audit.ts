// The operator's requests to the API server, from kube-apiserver's audit log. The bench cluster runs with a
// policy that logs (at Metadata level, without bodies) only what the chart's ServiceAccount asks; counting its
// lines in a time window gives the operator's Kubernetes writes and reads.
import { auditEventsOf, type AuditEvent } from '../e2e/cluster/audit.js';
import { chartUser } from '../e2e/chart/support.js';

export const OPERATOR_NAMESPACE = 'cfo-bench';
export const OPERATOR_USER = chartUser(OPERATOR_NAMESPACE);

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
  for (const event of await auditEventsOf(logFile, OPERATOR_USER)) {
    const at = Date.parse(event.requestReceivedTimestamp ?? '');
    if (at >= fromMs && at <= toMs) tally(counts, event);
  }
  return counts;
}

export const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
