// Reading the emulator's call log and the operator's Kubernetes requests for a window of a scenario.
import type { CallStats } from '../test/cloudflare-emulator/index.js';
import { auditCounts, total, type AuditCounts } from './audit.js';
import type { Stage } from './stage.js';
import { pause } from './stats.js';

export const CONFIG_PUT = 'PUT /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations';
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Window {
  calls: CallStats;
  kube: AuditCounts;
  /** Cloudflare calls by `METHOD /route`, sorted. */
  byRoute: [string, number][];
  cloudflareWrites: number;
  cloudflareReads: number;
  kubeWrites: number;
  status429: number;
}

/** Starts a window: clears the emulator's call log and notes the time for the audit log. */
export async function openWindow(stage: Stage): Promise<{ close(): Promise<Window> }> {
  await stage.emulator.control.clearCalls();
  const from = Date.now();
  return {
    close: async () => {
      const to = Date.now();
      await pause(300); // the audit log is written as requests complete
      const calls = await stage.emulator.control.calls();
      const kube = await auditCounts(stage.cluster.auditLog, from, to);
      const byRoute = Object.entries(calls.byRoute).sort((a, b) => b[1] - a[1]);
      const writes = byRoute.filter(([r]) => WRITE.has(r.split(' ')[0]!)).reduce((n, [, c]) => n + c, 0);
      return {
        calls,
        kube,
        byRoute,
        cloudflareWrites: writes,
        cloudflareReads: calls.total - writes,
        kubeWrites: total(kube.writes),
        status429: calls.byStatus['429'] ?? 0,
      };
    },
  };
}

/** Configuration PUTs per Cloudflare tunnel ID, from the recent calls. */
export function configPutsByTunnel(calls: CallStats): Map<string, number> {
  const puts = new Map<string, number>();
  for (const call of calls.recent) {
    if (call.route !== CONFIG_PUT) continue;
    const id = /cfd_tunnel\/([^/]+)\/configurations/.exec(call.path)?.[1] ?? '?';
    puts.set(id, (puts.get(id) ?? 0) + 1);
  }
  return puts;
}

export function describeRoutes(byRoute: [string, number][]): string {
  return byRoute.map(([route, count]) => `${count}× ${route}`).join(', ') || 'none';
}

export function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.map(([what, count]) => `${count}× ${what}`).join(', ') || 'none';
}
