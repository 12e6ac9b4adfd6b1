import { isDeepStrictEqual } from 'node:util';
import { failed, ok } from './conditions.js';
import { Report } from './report.js';
import { nextStatus } from './status.js';

function report(): Report {
  const r = new Report();
  for (const type of ['CredentialsValid', 'TunnelReady', 'ConfigReady', 'DNSReady', 'DeploymentReady']) {
    r.set(ok(type, 'Fine'));
  }
  Object.assign(r.fields, { tunnelId: 't', replicas: 2, readyReplicas: 2 });
  return r;
}

describe('nextStatus', () => {
  it('first sync: every condition with observedGeneration, Ready first', () => {
    const status = nextStatus(undefined, report(), 3, Date.parse('2026-01-01T00:00:00Z'));
    expect(status.observedGeneration).toBe(3);
    expect(status.conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'CredentialsValid',
      'TunnelReady',
      'ConfigReady',
      'DNSReady',
      'DeploymentReady',
    ]);
    expect(status.conditions?.every((c) => c.observedGeneration === 3)).toBe(true);
    expect(status.conditions?.[0]).toMatchObject({ status: 'True', reason: 'Reconciled' });
  });

  it('idempotent second sync: the same findings later give an equal status (so nothing is written)', () => {
    const first = nextStatus(undefined, report(), 3, Date.parse('2026-01-01T00:00:00Z'));
    const second = nextStatus(first, report(), 3, Date.parse('2026-01-01T01:00:00Z'));
    expect(isDeepStrictEqual(first, second)).toBe(true);
  });

  it('a flip moves lastTransitionTime; fields not reported are kept', () => {
    const first = nextStatus(undefined, report(), 3, Date.parse('2026-01-01T00:00:00Z'));
    const r = new Report();
    r.set({ type: 'CredentialsValid', status: 'False', reason: 'SecretNotFound', message: 'gone' });
    const second = nextStatus(first, r, 3, Date.parse('2026-01-01T01:00:00Z'));
    const credentials = second.conditions?.find((c) => c.type === 'CredentialsValid');
    expect(credentials?.lastTransitionTime).toBe('2026-01-01T01:00:00Z');
    expect(second.conditions?.[0]).toMatchObject({ status: 'False', reason: 'NotReady' });
    expect(second.tunnelId).toBe('t');
  });

  it('NetworkPolicyReady comes last and, False, leaves Ready True', () => {
    const r = new Report();
    r.set(failed('NetworkPolicyReady', 'OriginNotSelectable', 'cannot allow Service shop/db'));
    for (const update of report().conditions) r.set(update);
    const status = nextStatus(undefined, r, 3, Date.parse('2026-01-01T00:00:00Z'));
    expect(status.conditions?.map((c) => c.type)).toEqual([
      'Ready',
      'CredentialsValid',
      'TunnelReady',
      'ConfigReady',
      'DNSReady',
      'DeploymentReady',
      'NetworkPolicyReady',
    ]);
    expect(status.conditions?.[0]).toMatchObject({ status: 'True', reason: 'Reconciled' });
  });

  it('puts a condition type it does not know after the known ones', () => {
    const r = report();
    r.set(ok('Zeta', 'Fine'));
    r.set(ok('Alpha', 'Fine'));
    const types = nextStatus(undefined, r, 1, 0).conditions?.map((c) => c.type);
    expect(types?.slice(0, 6)).toEqual([
      'Ready',
      'CredentialsValid',
      'TunnelReady',
      'ConfigReady',
      'DNSReady',
      'DeploymentReady',
    ]);
    expect(types?.slice(6).sort()).toEqual(['Alpha', 'Zeta']);
  });

  it('without a generation, leaves observedGeneration out rather than unset', () => {
    const status = nextStatus({ observedGeneration: 4 }, report(), undefined, 0);
    expect(status.observedGeneration).toBe(4);
    expect(Object.keys(nextStatus(undefined, report(), undefined, 0))).not.toContain('observedGeneration');
  });
});
