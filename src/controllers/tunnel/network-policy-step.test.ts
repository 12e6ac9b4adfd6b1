import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { Condition } from '../../api/types.js';
import { CTX, sampleTunnel } from '../../render/testing/fixtures.js';
import { networkPolicy, type RouteBackend, type UnselectableBackend } from '../../render/index.js';
import { ResourceClient, resourcePath } from '../../runtime/kube-client.js';
import { FakeKube } from '../../runtime/testing/fake-kube.js';
import { NETWORK_POLICY } from '../shared/resources.js';
import { networkPolicyCondition } from './conditions.js';
import { isNewGap, syncNetworkPolicy } from './network-policy-step.js';
import { Report } from './report.js';

const PATH = resourcePath(NETWORK_POLICY, 'shop', 'web-cloudflared');
const web: RouteBackend = { kind: 'pods', namespace: 'shop', selector: { app: 'web' }, port: 8080, protocol: 'TCP' };
const db: UnselectableBackend = { kind: 'unselectable', source: 'Service shop/db', reason: 'no selector' };

async function sync(
  kube: FakeKube,
  desired: { networkPolicy: V1NetworkPolicy | undefined; policyGaps: UnselectableBackend[] },
  previousConditions: Condition[] = [],
): Promise<Report> {
  const report = new Report();
  const actual = kube.get(PATH) as V1NetworkPolicy | undefined;
  await syncNetworkPolicy({ client: new ResourceClient(kube), desired, actual, previousConditions, report });
  return report;
}

const asCondition = (update: ReturnType<typeof networkPolicyCondition>): Condition => ({
  ...update,
  message: update.message ?? '',
  lastTransitionTime: '2026-01-01T00:00:00Z',
});

describe('syncNetworkPolicy', () => {
  it('applies the policy, then writes nothing while it is in place', async () => {
    const kube = new FakeKube();
    const desired = { networkPolicy: networkPolicy(sampleTunnel(), [web], CTX), policyGaps: [] };
    const report = await sync(kube, desired);
    expect(kube.get(PATH)).toMatchObject({ spec: desired.networkPolicy.spec });
    expect(report.conditions).toEqual([networkPolicyCondition('web-cloudflared', [])]);
    const writes = kube.requests.filter((r) => r.method !== 'GET').length;
    await sync(kube, desired);
    expect(kube.requests.filter((r) => r.method !== 'GET')).toHaveLength(writes);
  });

  it('follows the routes: a new backend changes the policy', async () => {
    const kube = new FakeKube();
    await sync(kube, { networkPolicy: networkPolicy(sampleTunnel(), [], CTX), policyGaps: [] });
    await sync(kube, { networkPolicy: networkPolicy(sampleTunnel(), [web], CTX), policyGaps: [] });
    expect((kube.get(PATH) as V1NetworkPolicy).spec?.egress).toHaveLength(3);
  });

  it('switched off: deletes the policy it made and says so', async () => {
    const kube = new FakeKube();
    await sync(kube, { networkPolicy: networkPolicy(sampleTunnel(), [web], CTX), policyGaps: [] });
    const report = await sync(kube, { networkPolicy: undefined, policyGaps: [] });
    expect(kube.get(PATH)).toBeUndefined();
    expect(report.conditions).toEqual([expect.objectContaining({ status: 'True', reason: 'NetworkPolicyDisabled' })]);
    expect(report.events).toEqual([]);
  });

  it('an origin it cannot allow: condition False and one Warning Event, not repeated while it stays the same', async () => {
    const kube = new FakeKube();
    const desired = { networkPolicy: networkPolicy(sampleTunnel(), [web, db], CTX), policyGaps: [db] };
    const first = await sync(kube, desired);
    expect(first.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'OriginNotSelectable' })]);
    expect(first.events).toEqual([
      expect.objectContaining({
        type: 'Warning',
        reason: 'OriginNotSelectable',
        action: 'ApplyNetworkPolicy',
        note: first.conditions[0]?.message,
      }),
    ]);
    const again = await sync(kube, desired, [asCondition(first.conditions[0]!)]);
    expect(again.events).toEqual([]);
  });
});

describe('networkPolicyCondition', () => {
  it('names each gap and the two ways out', () => {
    const condition = networkPolicyCondition('web-cloudflared', [
      db,
      { kind: 'unselectable', source: 'spec.fallbackService', reason: 'a URL' },
    ]);
    expect(condition).toEqual({
      type: 'NetworkPolicyReady',
      status: 'False',
      reason: 'OriginNotSelectable',
      message:
        'NetworkPolicy web-cloudflared cannot allow Service shop/db (no selector), spec.fallbackService (a URL): ' +
        'where NetworkPolicies are enforced cloudflared cannot reach them; allow them with a NetworkPolicy of your ' +
        'own (policies add up) or set spec.cloudflared.networkPolicy.enabled to false',
    });
  });

  it('names exactly five gaps without counting', () => {
    const gaps = Array.from({ length: 5 }, (_, i): UnselectableBackend => ({ ...db, source: `Service shop/s${i}` }));
    const message = networkPolicyCondition('p', gaps).message ?? '';
    expect(message).toContain('Service shop/s4 (no selector): where');
    expect(message).not.toContain('more');
  });

  it('says what the policy does, or that it is off', () => {
    expect(networkPolicyCondition('p', []).message).toBe(
      "NetworkPolicy p lets cloudflared reach its routes' pods, cluster DNS and Cloudflare's edge only",
    );
    expect(networkPolicyCondition(undefined, []).message).toBe(
      "spec.cloudflared.networkPolicy.enabled is false: cloudflared's egress is not restricted",
    );
  });

  it('names five gaps and counts the rest', () => {
    const gaps = Array.from({ length: 8 }, (_, i): UnselectableBackend => ({ ...db, source: `Service shop/s${i}` }));
    const message = networkPolicyCondition('p', gaps).message ?? '';
    expect(message).toContain('Service shop/s4 (no selector), 3 more:');
    expect(message).not.toContain('s5');
  });

  it('True when every origin is allowed, or when switched off', () => {
    expect(networkPolicyCondition('web-cloudflared', [])).toMatchObject({
      status: 'True',
      reason: 'NetworkPolicyApplied',
    });
    expect(networkPolicyCondition(undefined, [db])).toMatchObject({ status: 'True', reason: 'NetworkPolicyDisabled' });
  });
});

describe('isNewGap', () => {
  const gap = networkPolicyCondition('p', [db]);
  const other = networkPolicyCondition('p', [{ ...db, source: 'Service shop/mail' }]);
  it.each<[string, Condition[] | undefined, boolean]>([
    ['no status yet', undefined, true],
    ['the same gap reported', [asCondition(gap)], false],
    ['another gap reported', [asCondition(other)], true],
    ['True before', [asCondition(networkPolicyCondition('p', []))], true],
    [
      'the same gap among other conditions',
      [{ type: 'Ready', status: 'False', reason: 'NotReady', message: 'x', lastTransitionTime: '' }, asCondition(gap)],
      false,
    ],
  ])('%s: %s', (_name, previous, warn) => {
    expect(isNewGap(previous, gap)).toBe(warn);
  });

  it('never for a True condition', () => {
    expect(isNewGap(undefined, networkPolicyCondition('p', []))).toBe(false);
  });
});
