import type { V1Deployment } from '@kubernetes/client-node';
import { CloudflareApiError } from '../../cloudflare/index.js';
import type { Condition } from '../../runtime/conditions.js';
import {
  credentialsFailure,
  deploymentCondition,
  failed,
  networkPolicyCondition,
  ok,
  readyCondition,
} from './conditions.js';

function dep(generation: number, status: V1Deployment['status']): V1Deployment {
  return { metadata: { generation }, status };
}

describe('deploymentCondition', () => {
  it.each([
    ['scaled to zero', undefined, 0, 'True', 'ScaledToZero'],
    ['not created yet', undefined, 2, 'False', 'RolloutInProgress'],
    [
      'spec not observed yet',
      dep(2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 }),
      2,
      'False',
      'RolloutInProgress',
    ],
    [
      'old pods still running (surge)',
      dep(1, { observedGeneration: 1, replicas: 3, updatedReplicas: 2, readyReplicas: 3 }),
      2,
      'False',
      'RolloutInProgress',
    ],
    [
      'rolled out, one pod not ready',
      dep(1, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 1 }),
      2,
      'False',
      'ReplicasUnavailable',
    ],
    [
      'rolled out and ready',
      dep(1, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 }),
      2,
      'True',
      'ReplicasReady',
    ],
  ] as const)('%s', (_name, actual, wanted, status, reason) => {
    expect(deploymentCondition(actual, wanted)).toMatchObject({ status, reason });
  });

  it('a new ReplicaSet not fully updated yet is a rollout in progress', () => {
    const updating = dep(1, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, readyReplicas: 2 });
    expect(deploymentCondition(updating, 2)).toMatchObject({
      reason: 'RolloutInProgress',
      message: 'rollout in progress: 2/2 ready',
    });
  });

  it('says what it found in its message', () => {
    expect(deploymentCondition(undefined, 0).message).toBe('cloudflared is scaled to zero');
    expect(deploymentCondition(undefined, 2).message).toBe('the cloudflared Deployment is being created');
    const oneDown = dep(1, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 1 });
    expect(deploymentCondition(oneDown, 2).message).toBe('1/2 replicas ready');
    const up = dep(1, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2 });
    expect(deploymentCondition(up, 2).message).toBe('2/2 replicas ready');
  });
});

describe('ok and failed', () => {
  it('build condition updates; ok without a message has an empty one', () => {
    expect(ok('TunnelReady', 'TunnelAdopted')).toEqual({
      type: 'TunnelReady',
      status: 'True',
      reason: 'TunnelAdopted',
      message: '',
    });
    expect(failed('DNSReady', 'ZoneNotFound', 'm')).toEqual({
      type: 'DNSReady',
      status: 'False',
      reason: 'ZoneNotFound',
      message: 'm',
    });
  });
});

const cond = (type: string, status: 'True' | 'False', reason = 'R'): Condition => ({
  type,
  status,
  reason,
  message: 'm',
  lastTransitionTime: '2026-01-01T00:00:00Z',
});
const allTrue = ['CredentialsValid', 'TunnelReady', 'ConfigReady', 'DNSReady', 'DeploymentReady'].map((t) =>
  cond(t, 'True'),
);

describe('readyCondition', () => {
  it('every condition True → Ready True Reconciled', () => {
    expect(readyCondition(allTrue, undefined)).toMatchObject({ status: 'True', reason: 'Reconciled' });
  });
  it('a rollout in progress → Progressing', () => {
    const conditions = [...allTrue.slice(0, 4), cond('DeploymentReady', 'False', 'RolloutInProgress')];
    expect(readyCondition(conditions, undefined)).toMatchObject({
      status: 'False',
      reason: 'Progressing',
      message: 'DeploymentReady: m',
    });
  });
  it('says the tunnel is up when it is', () => {
    expect(readyCondition(allTrue, undefined).message).toBe('the tunnel is up and serving its routes');
  });
  it('missing Secret → NotReady naming CredentialsValid', () => {
    const conditions = [cond('CredentialsValid', 'False', 'SecretNotFound'), ...allTrue.slice(1)];
    const ready = readyCondition(conditions, undefined);
    expect(ready).toMatchObject({ status: 'False', reason: 'NotReady' });
    expect(ready.message).toContain('CredentialsValid');
  });
  it('a condition not reported yet → Progressing, naming it', () => {
    expect(readyCondition(allTrue.slice(0, 2), undefined)).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'Progressing',
      message: 'ConfigReady is not known yet',
    });
  });
  it('an override (deletion, failure) wins', () => {
    const override = { type: 'Ready', status: 'False' as const, reason: 'DeletionBlocked', message: 'x' };
    expect(readyCondition(allTrue, override)).toBe(override);
  });
});

function apiError(
  kind: CloudflareApiError['kind'],
  status: number,
  codes: number[],
  operation = 'accounts.get',
): CloudflareApiError {
  return new CloudflareApiError({
    kind,
    operation,
    status,
    codes: codes.map((code) => ({ code, message: 'm' })),
    retryAfterMs: undefined,
    cause: undefined,
  });
}

describe('credentialsFailure', () => {
  it.each([
    ['bad token (403, 10000)', apiError('auth', 403, [10000]), 'InvalidCredentials'],
    ['401', apiError('auth', 401, []), 'InvalidCredentials'],
    ['token lacks a permission (403)', apiError('auth', 403, [9109]), 'PermissionDenied'],
    ['unknown account', apiError('notFound', 404, [7003]), 'AccountNotFound'],
    ['ambiguous account name', apiError('invalid', 400, [], 'accounts.resolve'), 'AccountAmbiguous'],
    ['malformed token (400, 6003)', apiError('auth', 400, [6003]), 'InvalidCredentials'],
    ['no credentials (400, 9106)', apiError('auth', 400, [9106]), 'InvalidCredentials'],
    [
      'account-owned token lists accounts (1001)',
      apiError('invalid', 400, [1001], 'accounts.list'),
      'PermissionDenied',
    ],
    [
      '403 10000 for a verified token',
      apiError('auth', 403, [10000], 'dns.create').withAuthDetail({
        tokenValid: true,
        permission: 'Zone · DNS · Edit',
      }),
      'PermissionDenied',
    ],
  ])('%s', (_name, err, reason) => {
    expect(credentialsFailure(err)).toMatchObject({ type: 'CredentialsValid', status: 'False', reason });
  });

  it.each([
    [
      'malformed (6003)',
      apiError('auth', 400, [6003]),
      'InvalidCredentials',
      /^Cloudflare refused the API token as malformed \(code 6003: .*stray spaces, quotes or line breaks.*\): cloudflare /,
    ],
    ['malformed (6111)', apiError('auth', 400, [6111]), 'InvalidCredentials', /as malformed/],
    [
      'no credentials (9106)',
      apiError('auth', 400, [9106]),
      'InvalidCredentials',
      /^no credentials reached Cloudflare \(code 9106\): cloudflare /,
    ],
    [
      'IP-restricted (9109), even as a 401',
      apiError('auth', 401, [9109]),
      'PermissionDenied',
      /^the API token's client IP filtering refuses the operator's address \(code 9109\): cloudflare /,
    ],
    [
      'account-owned token (1001)',
      apiError('invalid', 400, [1001], 'accounts.list'),
      'PermissionDenied',
      /^account-owned API tokens cannot list accounts \(code 1001\): set spec\.cloudflare\.accountId instead of accountName, or use a user-owned token with Account · Account Settings · Read: cloudflare /,
    ],
    [
      'a verified token lacking a named permission',
      apiError('auth', 403, [10000], 'dns.create').withAuthDetail({
        tokenValid: true,
        permission: 'Zone · DNS · Edit',
      }),
      'PermissionDenied',
      /^the API token is valid but lacks Zone · DNS · Edit \(or the resource is outside its scope\): cloudflare /,
    ],
    [
      'a token the verify endpoint does not know',
      apiError('auth', 403, [], 'dns.create').withAuthDetail({ tokenValid: false, permission: undefined }),
      'InvalidCredentials',
      /^Cloudflare does not know the credentials: cloudflare /,
    ],
    [
      '9103 (unknown key)',
      apiError('auth', 403, [9103], 'dns.create'),
      'InvalidCredentials',
      /does not know the credentials/,
    ],
    [
      'an unknown account',
      apiError('notFound', 404, [], 'accounts.get'),
      'AccountNotFound',
      /^cloudflare accounts\.get: notFound/,
    ],
  ])('%s → %s, saying what to do', (_name, err, reason, message) => {
    const condition = credentialsFailure(err);
    expect(condition).toMatchObject({ reason });
    expect(condition?.message).toMatch(message);
  });

  it.each([
    ['code 1001 of another call', apiError('invalid', 400, [1001], 'tunnels.create')],
    ['a tunnel not found', apiError('notFound', 404, [], 'tunnels.get')],
    ['an invalid tunnel request', apiError('invalid', 400, [], 'tunnels.create')],
  ])('%s is not about the credentials', (_name, err) => {
    expect(credentialsFailure(err)).toBeUndefined();
  });
  it.each([
    [
      'a verified token lacking a permission the gateway could not name',
      apiError('auth', 403, [10000], 'dns.create').withAuthDetail({ tokenValid: true, permission: undefined }),
      'PermissionDenied',
      /^the API token is valid but lacks a permission this call needs \(or the resource is outside its scope\): /,
    ],
    [
      'a 403 neither known nor unknown to the verify endpoint',
      apiError('auth', 403, [9999], 'dns.create'),
      'PermissionDenied',
      /^the credentials lack a permission: cloudflare dns\.create: auth/,
    ],
  ])('%s → %s, saying so', (_name, err, reason, message) => {
    const condition = credentialsFailure(err);
    expect(condition).toMatchObject({ reason });
    expect(condition?.message).toMatch(message);
  });
  it('a 5xx is not about the credentials', () => {
    expect(credentialsFailure(apiError('transient', 502, [], 'tunnels.get'))).toBeUndefined();
  });
});

describe('networkPolicyCondition: the origins it cannot allow', () => {
  const gaps = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      kind: 'unselectable' as const,
      source: `Service shop/s${i}`,
      reason: 'why',
    }));

  it('names up to five of them, all of them when there are exactly five', () => {
    const message = networkPolicyCondition('cloudflared', gaps(5)).message ?? '';
    expect(message).toContain('Service shop/s4 (why):');
    expect(message).not.toContain('more');
  });

  it('counts the ones past the fifth', () => {
    const message = networkPolicyCondition('cloudflared', gaps(7)).message ?? '';
    expect(message).toContain('Service shop/s4 (why), 2 more:');
    expect(message).not.toContain('Service shop/s5');
  });
});
