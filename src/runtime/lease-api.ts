// The LeaseApi of leader election over the Kubernetes API (coordination.k8s.io/v1 Lease).
import type { V1Lease } from '@kubernetes/client-node';
import { isNotFound } from './errors.js';
import { resourcePath, type KubeTransport, type ResourceType } from './kube-client.js';
import type { LeaseApi, LeaseRecord } from './leader-election.js';

export const LEASE: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  namespaced: true,
};

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseTime(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function leaseToRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: parseTime(spec.acquireTime),
    renewTime: parseTime(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
    resourceVersion: lease.metadata?.resourceVersion,
  };
}

export function recordToLease(name: string, namespace: string, record: LeaseRecord): Record<string, unknown> {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(record.resourceVersion ? { resourceVersion: record.resourceVersion } : {}) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      leaseTransitions: record.leaseTransitions,
      ...(record.acquireTime === undefined ? {} : { acquireTime: microTime(record.acquireTime) }),
      ...(record.renewTime === undefined ? {} : { renewTime: microTime(record.renewTime) }),
    },
  };
}

export function kubeLeaseApi(transport: KubeTransport, namespace: string, name: string): LeaseApi {
  return {
    async get(signal) {
      try {
        const body = await transport.request({ method: 'GET', path: resourcePath(LEASE, namespace, name), signal });
        return leaseToRecord(body as V1Lease);
      } catch (err: unknown) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(record, signal) {
      const body = await transport.request({
        method: 'POST',
        path: resourcePath(LEASE, namespace),
        body: recordToLease(name, namespace, record),
        signal,
      });
      return leaseToRecord(body as V1Lease);
    },
    async update(record, signal) {
      const body = await transport.request({
        method: 'PUT',
        path: resourcePath(LEASE, namespace, name),
        body: recordToLease(name, namespace, record),
        signal,
      });
      return leaseToRecord(body as V1Lease);
    },
  };
}
