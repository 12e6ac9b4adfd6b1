import type { V1Deployment } from '@kubernetes/client-node';
import { deployment } from '../../render/deployment.js';
import { CTX, sampleTunnel } from '../../render/testing/fixtures.js';
import { APPLIED_HASH_ANNOTATION, needsApply, withAppliedHash } from './applied-hash.js';
import { isSubset } from './subset.js';

/** What the API server returns: our fields plus defaults, status and metadata of its own. */
function asServerReturns(object: V1Deployment): V1Deployment {
  const copy = structuredClone(object);
  copy.metadata = { ...copy.metadata, uid: 'u1', resourceVersion: '42', generation: 3 };
  copy.metadata.annotations = { ...copy.metadata.annotations, 'deployment.kubernetes.io/revision': '2' };
  copy.spec = { ...copy.spec, progressDeadlineSeconds: 600 } as V1Deployment['spec'];
  const container = copy.spec?.template.spec?.containers[0];
  if (container) container.terminationMessagePath = '/dev/termination-log';
  copy.status = { replicas: 2, readyReplicas: 2 };
  return copy;
}

const rendered = (): V1Deployment =>
  deployment(sampleTunnel({ configSource: 'cloudflare' }), { ...CTX, configHash: 'h1', mode: 'cloudflare' });

describe('needsApply', () => {
  it('first sync: nothing there → apply', () => {
    expect(needsApply(withAppliedHash(rendered()), undefined)).toBe(true);
  });

  it('idempotent second sync: server defaults and status do not count as a difference', () => {
    const desired = withAppliedHash(rendered());
    expect(needsApply(desired, asServerReturns(desired))).toBe(false);
  });

  it('drift: an edited field we own → apply', () => {
    const desired = withAppliedHash(rendered());
    const live = asServerReturns(desired);
    if (live.spec) live.spec.replicas = 7;
    expect(needsApply(desired, live)).toBe(true);
  });

  it('a field we stop setting changes the applied hash → apply (so server-side apply removes it)', () => {
    const withSelector = rendered();
    if (withSelector.spec?.template.spec) withSelector.spec.template.spec.nodeSelector = { edge: 'true' };
    const live = asServerReturns(withAppliedHash(withSelector));
    const desired = withAppliedHash(rendered());
    expect(desired.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).not.toBe(
      live.metadata?.annotations?.[APPLIED_HASH_ANNOTATION],
    );
    expect(needsApply(desired, live)).toBe(true);
  });
});

describe('isSubset', () => {
  it.each([
    ['equal scalars', 1, 1, true],
    ['different scalars', 1, 2, false],
    ['extra keys on the live side', { a: 1 }, { a: 1, b: 2 }, true],
    ['a missing key', { a: 1, b: 2 }, { a: 1 }, false],
    ['lists of another length', [1, 2], [1, 2, 3], false],
    ['an empty list the server dropped', { a: [] }, {}, true],
    ['an empty map the server dropped', { a: {} }, {}, true],
    ['a field we do not set', { a: undefined, b: 1 }, { a: 5, b: 1 }, true],
    ['a map where the server has none', { a: 1 }, undefined, false],
    ['a map where the server has null', { a: { b: 1 } }, { a: null }, false],
    ['a map where the server has a string', { a: { b: 1 } }, { a: 'x' }, false],
    ['a map where the server has a list', { a: { b: 1 } }, { a: [{ b: 1 }] }, false],
  ] as const)('%s', (_name, wanted, actual, expected) => {
    expect(isSubset(wanted, actual)).toBe(expected);
  });
});
