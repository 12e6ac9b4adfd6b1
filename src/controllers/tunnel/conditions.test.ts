import type { V1Deployment } from '@kubernetes/client-node';
import { CloudflareApiError } from '../../cloudflare/index.js';
import type { Condition } from '../../runtime/conditions.js';
import { credentialsFailure, deploymentCondition, readyCondition } from './conditions.js';

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
    expect(readyCondition(conditions, undefined)).toMatchObject({ status: 'False', reason: 'Progressing' });
  });
  it('missing Secret → NotReady naming CredentialsValid', () => {
    const conditions = [cond('CredentialsValid', 'False', 'SecretNotFound'), ...allTrue.slice(1)];
    const ready = readyCondition(conditions, undefined);
    expect(ready).toMatchObject({ status: 'False', reason: 'NotReady' });
    expect(ready.message).toContain('CredentialsValid');
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
  it('a 5xx is not about the credentials', () => {
    expect(credentialsFailure(apiError('transient', 502, [], 'tunnels.get'))).toBeUndefined();
  });
});
