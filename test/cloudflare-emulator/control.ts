// The control API for tests, under /__emulator. Not part of Cloudflare's API: no auth, no limits,
// no faults, not counted.
import type { Emulator } from './emulator.js';
import type { FaultRule } from './faults.js';
import { connect } from './connectors.js';
import type { RateLimitSettings } from './rate-limit.js';
import { Router } from './router.js';
import { credentialValues } from './secrets.js';
import type { SeedInput } from './state.js';

export const CONTROL_PREFIX = '/__emulator';

export interface ControlResponse {
  status: number;
  body: unknown;
}

type ControlHandler = (emulator: Emulator, params: Record<string, string>, body: unknown) => ControlResponse;

const ok = (body: unknown = { ok: true }): ControlResponse => ({ status: 200, body });
const bad = (message: string): ControlResponse => ({ status: 400, body: { error: message } });

export interface ConnectorsRequest {
  replicas: number;
  /** Replicas reconnect right after a connections cleanup, as running cloudflared would. */
  reconnectOnCleanup?: boolean;
}

const setConnectors: ControlHandler = (emulator, params, body) => {
  const tunnel = emulator.state.tunnels.get(params['tunnel_id'] ?? '');
  if (!tunnel) return { status: 404, body: { error: 'no such tunnel' } };
  if (tunnel.deletedAt !== undefined)
    return { status: 409, body: { error: 'the tunnel is deleted: nothing connects' } };
  const request = body as ConnectorsRequest;
  if (!Number.isInteger(request?.replicas) || request.replicas < 0) return bad('replicas must be a whole number');
  connect(emulator.state, tunnel, request.replicas);
  tunnel.reconnectOnCleanup = request.reconnectOnCleanup ? request.replicas : 0;
  return ok({ tunnelId: tunnel.id, connectors: tunnel.connectors.length });
};

/** `holdAt: null` lets the connectors catch up again; a field left out keeps its value. */
export interface ConfigPickupRequest {
  delayMs?: number;
  holdAt?: number | null;
}

const setConfigPickup: ControlHandler = (emulator, params, body) => {
  const tunnel = emulator.state.tunnels.get(params['tunnel_id'] ?? '');
  if (!tunnel) return { status: 404, body: { error: 'no such tunnel' } };
  const { delayMs, holdAt } = (body ?? {}) as ConfigPickupRequest;
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0)) {
    return bad('delayMs must be a non-negative number');
  }
  if (holdAt !== undefined && holdAt !== null && !(Number.isInteger(holdAt) && holdAt >= 0)) {
    return bad('holdAt must be a whole number or null');
  }
  tunnel.pickup = {
    delayMs: delayMs ?? tunnel.pickup.delayMs,
    holdAt: holdAt === null ? undefined : (holdAt ?? tunnel.pickup.holdAt),
  };
  return ok({ tunnelId: tunnel.id, ...tunnel.pickup, configVersion: tunnel.config.version });
};

const setRateLimit: ControlHandler = (emulator, _params, body) => {
  const settings = body as RateLimitSettings;
  if (!(settings?.limit > 0) || !(settings?.windowMs > 0)) return bad('limit and windowMs must be positive');
  emulator.limiter.reset({ limit: settings.limit, windowMs: settings.windowMs });
  return ok(emulator.limiter.settings);
};

const addFault: ControlHandler = (emulator, _params, body) => {
  try {
    return ok(emulator.faults.add(body as FaultRule));
  } catch (err) {
    return bad(err instanceof Error ? err.message : 'bad fault rule');
  }
};

export function controlRouter(): Router<ControlHandler> {
  return new Router<ControlHandler>()
    .add('GET', '/health', () => ok())
    .add('POST', '/reset', (e, _p, body) => {
      e.reset((body as { seed?: SeedInput } | undefined)?.seed);
      return ok();
    })
    .add('POST', '/seed', (e, _p, body) => ok(e.state.seed(body ?? {})))
    .add('GET', '/state', (e) => ok(e.state.snapshot()))
    .add('GET', '/secrets', (e) => ok(credentialValues(e.state)))
    .add('GET', '/calls', (e) => ok(e.callStats()))
    .add('DELETE', '/calls', (e) => {
      e.clearCalls();
      return ok();
    })
    .add('GET', '/faults', (e) => ok(e.faults.list()))
    .add('POST', '/faults', addFault)
    .add('DELETE', '/faults', (e) => {
      e.faults.clear();
      return ok();
    })
    .add('PUT', '/tunnels/:tunnel_id/connectors', setConnectors)
    .add('PUT', '/tunnels/:tunnel_id/config-pickup', setConfigPickup)
    .add('PUT', '/rate-limit', setRateLimit)
    .add('POST', '/clock', (e, _p, body) => {
      const advanceMs = (body as { advanceMs?: number } | undefined)?.advanceMs;
      if (typeof advanceMs !== 'number' || advanceMs < 0) return bad('advanceMs must be a non-negative number');
      e.advanceClock(advanceMs);
      return ok({ now: new Date(e.now()).toISOString() });
    });
}
