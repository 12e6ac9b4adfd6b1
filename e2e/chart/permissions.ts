// RBAC permissions as `group/resource verb` strings (`core/services list`, `apps/deployments patch`,
// `cloudflare-operator.io/tunnels/status patch`): those a chart's rules grant, and those audited requests used.
// The chart e2e test compares the two, so that a grant the operator never uses cannot stay in the chart.
import type { AuditEvent } from '../cluster/audit.js';

/** The fields of an rbac.authorization.k8s.io/v1 PolicyRule that grant something. */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

/** The rules of every ClusterRole and Role among these objects (a rendered manifest). */
export function roleRules(objects: readonly { kind: string; [field: string]: unknown }[]): PolicyRule[] {
  return objects
    .filter((object) => object.kind === 'ClusterRole' || object.kind === 'Role')
    .flatMap((role) => (role.rules as PolicyRule[] | undefined) ?? []);
}

export function permission(group: string, resource: string, verb: string): string {
  return `${group || 'core'}/${resource} ${verb}`;
}

/** Every permission the rules grant. A wildcard or a non-resource URL cannot be compared with use: refused. */
export function grantedPermissions(rules: readonly PolicyRule[]): Set<string> {
  const granted = new Set<string>();
  for (const rule of rules) {
    const parts = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
    if (parts.includes('*') || rule.nonResourceURLs?.length) {
      throw new Error(`a rule the check cannot verify (wildcard or non-resource URL): ${JSON.stringify(rule)}`);
    }
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs) granted.add(permission(group, resource, verb));
    }
  }
  return granted;
}

const HTTP_FORBIDDEN = 403;
const HTTP_CREATED = 201;

function resourceOf(event: AuditEvent): string {
  const ref = event.objectRef ?? {};
  return ref.subresource ? `${ref.resource ?? '?'}/${ref.subresource}` : (ref.resource ?? '?');
}

/**
 * The permissions the requests were granted and used (a refused request used nothing). A server-side apply that
 * created its object (PATCH answered 201) was authorized as `create` as well as `patch`.
 */
export function usedPermissions(events: readonly AuditEvent[]): Set<string> {
  const used = new Set<string>();
  for (const event of events) {
    if (!event.objectRef?.resource || event.responseStatus?.code === HTTP_FORBIDDEN) continue;
    const group = event.objectRef.apiGroup ?? '';
    used.add(permission(group, resourceOf(event), event.verb ?? '?'));
    if (event.verb === 'patch' && event.responseStatus?.code === HTTP_CREATED) {
      used.add(permission(group, resourceOf(event), 'create'));
    }
  }
  return used;
}

/** The requests the API server refused for want of a permission, as `permission namespace/name`. */
/**
 * A 403 from the NamespaceLifecycle admission plugin: nothing may be created in a namespace being deleted, whatever
 * the permissions (e.g. an Event about a Service of another test file whose namespace is going). Not a missing grant.
 */
function namespaceTerminating(event: AuditEvent): boolean {
  return event.responseStatus?.message?.includes('because it is being terminated') === true;
}

export function refusedRequests(events: readonly AuditEvent[]): string[] {
  return events
    .filter((event) => event.responseStatus?.code === HTTP_FORBIDDEN && !namespaceTerminating(event))
    .map((event) => {
      const ref = event.objectRef ?? {};
      return `${permission(ref.apiGroup ?? '', resourceOf(event), event.verb ?? '?')} ${ref.namespace ?? ''}/${ref.name ?? ''}`;
    });
}
