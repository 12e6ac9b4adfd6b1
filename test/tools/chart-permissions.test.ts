// The permission arithmetic of the chart's least-privilege check (e2e/chart/permissions.ts), on made-up rules and
// audit records.
import type { AuditEvent } from '../../e2e/cluster/audit.js';
import { grantedPermissions, refusedRequests, roleRules, usedPermissions } from '../../e2e/chart/permissions.js';

const request = (
  verb: string,
  resource: string,
  more: Partial<AuditEvent['objectRef']> = {},
  code = 200,
): AuditEvent => ({
  verb,
  objectRef: { resource, ...more },
  responseStatus: { code },
});

describe('roleRules', () => {
  it('takes the rules of the ClusterRoles and Roles of a manifest, and nothing else', () => {
    const rule = (resource: string) => ({ apiGroups: [''], resources: [resource], verbs: ['get'] });
    const rules = roleRules([
      { kind: 'ClusterRole', rules: [rule('a')] },
      { kind: 'Role', rules: [rule('b')] },
      { kind: 'RoleBinding', subjects: [] },
      { kind: 'ConfigMap', rules: [rule('c')] },
      { kind: 'Role' },
    ]);
    expect(rules.map((r) => r.resources)).toEqual([['a'], ['b']]);
  });
});

describe('grantedPermissions', () => {
  it('is every group × resource × verb of every rule, the core group named core', () => {
    const granted = grantedPermissions([
      { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'patch'] },
      { apiGroups: ['x.io'], resources: ['tunnels/status'], verbs: ['patch'] },
    ]);
    expect([...granted].sort()).toEqual([
      'core/configmaps get',
      'core/configmaps patch',
      'core/secrets get',
      'core/secrets patch',
      'x.io/tunnels/status patch',
    ]);
  });

  it.each([
    [{ apiGroups: ['*'], resources: ['secrets'], verbs: ['get'] }],
    [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }],
    [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }],
  ])('refuses a rule it cannot compare with use: %j', (rule) => {
    expect(() => grantedPermissions([rule])).toThrow(/cannot verify/);
  });
});

describe('usedPermissions', () => {
  it('names a subresource after its resource, and counts a refused request as no use', () => {
    const used = usedPermissions([
      request('patch', 'tunnels', { apiGroup: 'x.io', subresource: 'status' }),
      request('watch', 'services'),
      request('delete', 'secrets', {}, 403),
      { verb: 'get' }, // a non-resource request (no objectRef)
    ]);
    expect([...used].sort()).toEqual(['core/services watch', 'x.io/tunnels/status patch']);
  });

  it('a server-side apply that created its object used create as well as patch; one that changed it, patch only', () => {
    expect([...usedPermissions([request('patch', 'deployments', { apiGroup: 'apps' }, 201)])].sort()).toEqual([
      'apps/deployments create',
      'apps/deployments patch',
    ]);
    expect([...usedPermissions([request('patch', 'deployments', { apiGroup: 'apps' }, 200)])]).toEqual([
      'apps/deployments patch',
    ]);
  });
});

describe('refusedRequests', () => {
  it('lists each refused request with the permission it lacked and its object', () => {
    const refused = refusedRequests([
      request('get', 'secrets', { namespace: 'app', name: 'cf' }, 404),
      request('patch', 'secrets', { namespace: 'app', name: 'web-credentials' }, 403),
    ]);
    expect(refused).toEqual(['core/secrets patch app/web-credentials']);
  });

  it('leaves out what a terminating namespace refused: no grant would have allowed it', () => {
    const terminating: AuditEvent = {
      verb: 'create',
      objectRef: { apiGroup: 'events.k8s.io', resource: 'events', namespace: 'old', name: 'web.1' },
      responseStatus: {
        code: 403,
        message:
          'events.events.k8s.io "web.1" is forbidden: unable to create new content in namespace old because it is being terminated',
      },
    };
    const rbacRefusal: AuditEvent = {
      ...terminating,
      responseStatus: { code: 403, message: 'events.events.k8s.io is forbidden: User "x" cannot create resource' },
    };
    expect(refusedRequests([terminating, rbacRefusal])).toEqual(['events.k8s.io/events create old/web.1']);
  });
});
