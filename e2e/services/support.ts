// What the Service e2e suites share: Service builders, the routes a tunnel reports, the Events a Service got, the
// emulator's records and write calls, and what the real cloudflared picks for a hostname.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { RouteStatus, TunnelLike } from '../../src/api/types.js';
import type { ResourceType } from '../../src/runtime/kube-client.js';
import type { CallRecord, RunningEmulator } from '../../test/cloudflare-emulator/index.js';
import { matchIngressRule, validateIngress } from '../cluster/cloudflared.js';
import { waitFor } from '../support/cluster.js';
import { client, getOptional, type OperatorProcess } from '../tunnel/support.js';

export { SERVICE } from '../../src/controllers/shared/resources.js';
const EVENT: ResourceType = {
  group: 'events.k8s.io',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
};

export const A = 'cloudflare-operator.io/';

export function serviceObject(
  namespace: string,
  name: string,
  annotations: Record<string, string>,
  ports: V1ServicePort[] = [{ name: 'http', port: 80, targetPort: 8080 }],
  spec: V1Service['spec'] = {},
): V1Service {
  const prefixed = Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k.includes('/') ? k : A + k, v]));
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, annotations: prefixed },
    spec: { selector: { app: name }, ports, ...spec },
  };
}

/** The route of `hostname` (and `source`, when given) in the tunnel's status. */
export async function routeOf(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  match: { hostname?: string; source?: string },
): Promise<RouteStatus | undefined> {
  const tunnel = await getOptional<TunnelLike>(type, namespace, name);
  return tunnel?.status?.routes?.find(
    (r) => (!match.hostname || r.hostname === match.hostname) && (!match.source || r.source === match.source),
  );
}

/** Waits until the tunnel reports the route in `state`; returns it. */
export function waitForRoute(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  match: { hostname?: string; source?: string; state: RouteStatus['state'] },
  op: OperatorProcess,
): Promise<RouteStatus> {
  return waitFor(
    async () => {
      const route = await routeOf(type, namespace, name, match);
      return route?.state === match.state ? route : undefined;
    },
    {
      description: `${name}: route ${match.hostname ?? match.source ?? ''} ${match.state}`,
      giveUpIf: op.gone,
      timeoutMs: 30_000,
    },
  );
}

/** Waits until the tunnel no longer lists a route for the hostname. */
export function waitForNoRoute(
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  hostname: string,
  op: OperatorProcess,
): Promise<true> {
  return waitFor(async () => ((await routeOf(type, namespace, name, { hostname })) ? undefined : true), {
    description: `${name}: no route for ${hostname}`,
    giveUpIf: op.gone,
    timeoutMs: 30_000,
  });
}

export interface EventSeen {
  type?: string;
  reason?: string;
  note?: string;
  regarding?: { kind?: string; name?: string };
  /** Set once the same event repeats: the recorder bumps the count instead of creating another Event. */
  series?: { count?: number };
}

export async function eventsOf(namespace: string, kind: string, name: string): Promise<EventSeen[]> {
  const list = await client.list<EventSeen & KubernetesObject>(EVENT, { namespace });
  return list.items.filter((e) => e.regarding?.kind === kind && e.regarding.name === name);
}

/** Waits for an Event about the Service with this reason; returns it. */
export function waitForServiceEvent(
  namespace: string,
  name: string,
  reason: string,
  op: OperatorProcess,
): Promise<EventSeen> {
  return waitFor(async () => (await eventsOf(namespace, 'Service', name)).find((e) => e.reason === reason), {
    description: `Event ${reason} on Service ${namespace}/${name}`,
    giveUpIf: op.gone,
    timeoutMs: 30_000,
  });
}

export async function recordsNamed(emulator: RunningEmulator, name: string) {
  return (await emulator.control.state()).records.filter((r) => r.name === name);
}

/** Waits until exactly one record has the name and passes `check`; returns it. */
export function waitForRecord(
  emulator: RunningEmulator,
  name: string,
  check: (r: { content: string; comment: string | undefined; proxied: boolean; type: string }) => boolean,
  op: OperatorProcess,
) {
  return waitFor(
    async () => {
      const found = await recordsNamed(emulator, name);
      return found.length === 1 && found[0] && check(found[0]) ? found[0] : undefined;
    },
    { description: `DNS record ${name}`, giveUpIf: op.gone, timeoutMs: 30_000 },
  );
}

export function waitForNoRecord(emulator: RunningEmulator, name: string, op: OperatorProcess): Promise<true> {
  return waitFor(async () => ((await recordsNamed(emulator, name)).length === 0 ? true : undefined), {
    description: `no DNS record ${name}`,
    giveUpIf: op.gone,
    timeoutMs: 30_000,
  });
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Write calls the emulator received, oldest first, with who made them (User-Agent) and when. */
export async function writeRecords(emulator: RunningEmulator): Promise<CallRecord[]> {
  return (await emulator.control.calls()).recent.filter((c) => WRITE.has(c.method));
}

/** Write calls the emulator received, by route (e.g. `PUT /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations`). */
export async function writeCalls(emulator: RunningEmulator): Promise<string[]> {
  return (await writeRecords(emulator)).map((c) => c.route);
}

/** The remotely-managed configuration the emulator holds for a tunnel, as cloudflared's config.yaml text. */
export async function remoteConfigYaml(emulator: RunningEmulator, tunnelId: string): Promise<string> {
  const tunnel = (await emulator.control.state()).tunnels.find((t) => t.id === tunnelId);
  return stringify({ tunnel: tunnelId, 'credentials-file': '/dev/null', ...(tunnel?.config.config ?? {}) });
}

/** What the real `cloudflared tunnel ingress rule` matches for the URL in this config.yaml (validated first). */
export async function cloudflaredRule(configYaml: string, url: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'svc-e2e-'));
  const file = join(dir, 'config.yaml');
  await writeFile(file, configYaml);
  const valid = await validateIngress(file);
  if (!valid.ok) throw new Error(`cloudflared refused the configuration: ${valid.output}`);
  const match = await matchIngressRule(file, url);
  if (!match.ok) throw new Error(`cloudflared could not match ${url}: ${match.output}`);
  return /service:\s*(\S+)/.exec(match.output)?.[1] ?? match.output;
}
