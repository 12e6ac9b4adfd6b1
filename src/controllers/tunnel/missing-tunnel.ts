// Services that name a Tunnel or ClusterTunnel that does not exist (yet) get a Warning Event, once per Service
// and problem: the missing tunnel has no status to remember it in, so this remembers what was said. When the
// tunnel appears its reconcile picks the Services up and the memory is dropped.
import type { V1Service } from '@kubernetes/client-node';
import type { EventRecorder } from '../../runtime/events.js';
import { keyOf, type ObjectName } from '../../runtime/keys.js';
import { serviceTargets } from '../../routes/route-table.js';

export class MissingTunnelNotices {
  /** Tunnel (kind + key) → Service UIDs already told. */
  private readonly told = new Map<string, Set<string>>();

  constructor(private readonly events: EventRecorder) {}

  report(kind: string, tunnel: ObjectName, services: readonly V1Service[]): void {
    const id = `${kind} ${keyOf(tunnel)}`;
    const told = this.told.get(id) ?? new Set<string>();
    this.told.set(id, told);
    const waiting = services.filter((s) =>
      serviceTargets(s).some(
        (t) => t.kind === kind && t.name === tunnel.name && (t.namespace ?? undefined) === tunnel.namespace,
      ),
    );
    const still = new Set(waiting.map((s) => s.metadata?.uid ?? ''));
    for (const uid of told) if (!still.has(uid)) told.delete(uid);
    for (const service of waiting) {
      const uid = service.metadata?.uid ?? '';
      if (told.has(uid)) continue;
      told.add(uid);
      const note = `${id} does not exist: the Service is not published until it does`;
      this.events.record(service, { type: 'Warning', reason: 'TunnelNotFound', action: 'Route', note });
    }
    if (told.size === 0) this.told.delete(id);
  }

  forget(kind: string, tunnel: ObjectName): void {
    this.told.delete(`${kind} ${keyOf(tunnel)}`);
  }
}
