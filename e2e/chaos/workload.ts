// The chaos workload: a seeded random walk over annotated Services, created, edited and deleted across the
// namespaces' Tunnels and one ClusterTunnel, and the end state that walk must leave. Pure: the e2e test carries
// the steps out against the cluster.
import { ANNOTATION_PREFIX } from '../../src/api/annotations.js';

/** A tunnel a Service can name: its namespace's Tunnel, or the ClusterTunnel. */
export interface TunnelChoice {
  annotation: 'tunnel' | 'cluster-tunnel';
  name: string;
}

export interface ServiceState {
  namespace: string;
  name: string;
  /** Unrouted when absent: no tunnel annotation and no hostnames. */
  target?: TunnelChoice;
  hostnames: readonly string[];
}

export type Step =
  | { op: 'create'; service: ServiceState }
  /** `service` is the state after the edit; `change` says which kind it was. */
  | { op: 'edit'; change: 'rehost' | 'move' | 'unroute' | 'reroute'; service: ServiceState }
  | { op: 'delete'; service: ServiceState };

export interface Layout {
  /** Each namespace and the name of its Tunnel. */
  namespaces: readonly { namespace: string; tunnel: string }[];
  clusterTunnel: string;
  zone: string;
  /** Live Services at most. */
  maxServices: number;
}

/** The key a tunnel's expected hostnames are kept under: `tunnel <namespace>/<name>` or `cluster-tunnel <name>`. */
export function targetKey(namespace: string, target: TunnelChoice): string {
  return target.annotation === 'tunnel' ? `tunnel ${namespace}/${target.name}` : `cluster-tunnel ${target.name}`;
}

/** The Service's annotations of this operator; `null` removes one in a merge patch. */
export function annotationsOf(service: ServiceState): Record<string, string | null> {
  const { target } = service;
  return {
    [`${ANNOTATION_PREFIX}tunnel`]: target?.annotation === 'tunnel' ? target.name : null,
    [`${ANNOTATION_PREFIX}cluster-tunnel`]: target?.annotation === 'cluster-tunnel' ? target.name : null,
    [`${ANNOTATION_PREFIX}hostnames`]: target ? service.hostnames.join(',') : null,
  };
}

export class Workload {
  private readonly live = new Map<string, ServiceState>();
  /** Hostnames once claimed and claimed by no live Service now: reused, so records change hands between tunnels. */
  private readonly released = new Set<string>();
  private services = 0;
  private hosts = 0;

  constructor(
    private readonly layout: Layout,
    private readonly random: () => number,
  ) {}

  /** The next step, already applied to the model. */
  next(): Step {
    const r = this.random();
    if (this.live.size === 0 || (this.live.size < this.layout.maxServices && r < 0.4)) return this.create();
    const service = this.pick([...this.live.values()]);
    return r < 0.82 ? this.edit(service) : this.remove(service);
  }

  /** Per tunnel (targetKey), the hostnames the live Services route through it, sorted. */
  expected(): Map<string, string[]> {
    const byTunnel = new Map<string, string[]>();
    for (const s of this.live.values()) {
      if (!s.target) continue;
      const key = targetKey(s.namespace, s.target);
      byTunnel.set(key, [...(byTunnel.get(key) ?? []), ...s.hostnames].sort());
    }
    return byTunnel;
  }

  get liveServices(): number {
    return this.live.size;
  }

  private create(): Step {
    const { namespace } = this.pick(this.layout.namespaces);
    const service = { namespace, name: `s${this.services++}`, target: this.anyTarget(namespace), hostnames: [] };
    return { op: 'create', service: this.set({ ...service, hostnames: this.newHostnames() }) };
  }

  private edit(before: ServiceState): Step {
    if (!before.target) {
      const after = { ...before, target: this.anyTarget(before.namespace), hostnames: this.newHostnames() };
      return { op: 'edit', change: 'reroute', service: this.set(after) };
    }
    const r = this.random();
    if (r < 0.45) {
      this.release(before.hostnames);
      return { op: 'edit', change: 'rehost', service: this.set({ ...before, hostnames: this.newHostnames() }) };
    }
    if (r < 0.85) {
      const after = { ...before, target: this.otherTarget(before.namespace, before.target) };
      return { op: 'edit', change: 'move', service: this.set(after) };
    }
    this.release(before.hostnames);
    return { op: 'edit', change: 'unroute', service: this.set({ ...before, target: undefined, hostnames: [] }) };
  }

  private remove(service: ServiceState): Step {
    this.live.delete(`${service.namespace}/${service.name}`);
    this.release(service.hostnames);
    return { op: 'delete', service };
  }

  private set(service: ServiceState): ServiceState {
    this.live.set(`${service.namespace}/${service.name}`, service);
    return service;
  }

  private release(hostnames: readonly string[]): void {
    for (const h of hostnames) this.released.add(h);
  }

  /** One or two hostnames, each a released one (a third of the time) or a fresh one. */
  private newHostnames(): string[] {
    const count = this.random() < 0.7 ? 1 : 2;
    return Array.from({ length: count }, () => {
      const reusable = [...this.released];
      if (reusable.length > 0 && this.random() < 0.33) {
        const host = this.pick(reusable);
        this.released.delete(host);
        return host;
      }
      return `h${this.hosts++}.${this.layout.zone}`;
    });
  }

  private anyTarget(namespace: string): TunnelChoice {
    const own = this.layout.namespaces.find((n) => n.namespace === namespace)?.tunnel ?? '';
    return this.random() < 0.6
      ? { annotation: 'tunnel', name: own }
      : { annotation: 'cluster-tunnel', name: this.layout.clusterTunnel };
  }

  private otherTarget(namespace: string, target: TunnelChoice): TunnelChoice {
    const own = this.layout.namespaces.find((n) => n.namespace === namespace)?.tunnel ?? '';
    return target.annotation === 'tunnel'
      ? { annotation: 'cluster-tunnel', name: this.layout.clusterTunnel }
      : { annotation: 'tunnel', name: own };
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}
