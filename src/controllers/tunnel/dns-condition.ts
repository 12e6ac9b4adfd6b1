// DNSReady from what the DNS step found. Pure.
import { ConditionType, Reason } from '../../api/conditions.js';
import type { ConditionUpdate } from '../../runtime/conditions.js';
import { failed, ok } from './conditions.js';
import type { DnsOutcome } from './dns-step.js';

/** At most this many hostnames are named in a message; the rest are counted. */
const NAMED = 3;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, NAMED).join(', ');
  return names.length > NAMED ? `${shown} and ${names.length - NAMED} more` : shown;
}

export function dnsCondition(dns: Pick<DnsOutcome, 'problems'>, wanted: number): ConditionUpdate {
  const type = ConditionType.DNSReady;
  const problems = [...dns.problems].sort(([a], [b]) => (a < b ? -1 : 1));
  const conflicts = problems.filter(([, p]) => p.state === 'Conflict').map(([name]) => name);
  if (conflicts.length > 0) {
    const message = `records not owned by this tunnel hold ${listed(conflicts)}: see status.routes`;
    return failed(type, Reason.RecordConflict, message);
  }
  const pending = problems.map(([name, p]) => `${name} (${p.message})`);
  if (pending.length > 0) return failed(type, Reason.DNSUpdateFailed, `not in place yet: ${listed(pending)}`);
  if (wanted === 0) return ok(type, Reason.NoRecords, 'no routes need a DNS record');
  return ok(type, Reason.RecordsSynced, `${wanted} record(s) point at the tunnel`);
}
