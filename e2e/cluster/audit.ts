// kube-apiserver's audit log, for the local cluster: a Policy that records the requests of chosen users, and those
// records read back. The benchmarks count the operator's requests with it; the chart e2e test collects the verbs
// the operator really used, to compare with what the chart grants.
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** Who a Policy rule is about: exact user names, or groups (e.g. `system:serviceaccounts:<namespace>`). */
export interface AuditSubjects {
  users?: string[];
  userGroups?: string[];
}

/**
 * A Policy that records at Metadata level (no bodies) the requests `logged` sends, except those `ignored` sends:
 * one line per request, at ResponseComplete; a watch gets a line as it starts (ResponseStarted) and one as it ends.
 */
export function auditPolicy(logged: AuditSubjects, ignored?: AuditSubjects): string {
  return stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [...(ignored ? [{ level: 'None', ...ignored }] : []), { level: 'Metadata', ...logged }, { level: 'None' }],
  });
}

/** The fields of an audit.k8s.io/v1 Event that the tests read. */
export interface AuditEvent {
  stage?: string;
  verb?: string;
  user?: { username?: string };
  objectRef?: { apiGroup?: string; resource?: string; subresource?: string; namespace?: string; name?: string };
  /** For a refused request, `message` says why (the audit log carries it for errors even at Metadata level). */
  responseStatus?: { code?: number; message?: string };
  requestReceivedTimestamp?: string;
}

/** The records of `username`'s requests, in log order; none when there is no log (yet). */
export async function auditEventsOf(logFile: string, username: string): Promise<AuditEvent[]> {
  let text: string;
  try {
    text = await readFile(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.includes(username)) // cheap before parsing: most lines are someone else's
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((event) => event.user?.username === username);
}
