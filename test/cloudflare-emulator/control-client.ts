// A typed client for the emulator's control API.
import type { ConfigPickupRequest } from './control.js';
import type { CallStats } from './emulator.js';
import type { ActiveFault, FaultRule } from './faults.js';
import type { RateLimitSettings } from './rate-limit.js';
import type { SeedInput, SeedResult, StateSnapshot } from './state.js';

export class ControlClient {
  constructor(private readonly baseUrl: string) {}

  reset(seed?: SeedInput): Promise<void> {
    return this.request('POST', '/reset', seed ? { seed } : {}).then(() => undefined);
  }

  seed(input: SeedInput): Promise<SeedResult> {
    return this.request('POST', '/seed', input) as Promise<SeedResult>;
  }

  state(): Promise<StateSnapshot> {
    return this.request('GET', '/state') as Promise<StateSnapshot>;
  }

  /** Every token, key, tunnel secret and tunnel token the emulator knows (for log scans). */
  secrets(): Promise<string[]> {
    return this.request('GET', '/secrets') as Promise<string[]>;
  }

  calls(): Promise<CallStats> {
    return this.request('GET', '/calls') as Promise<CallStats>;
  }

  clearCalls(): Promise<void> {
    return this.request('DELETE', '/calls').then(() => undefined);
  }

  addFault(rule: FaultRule): Promise<ActiveFault> {
    return this.request('POST', '/faults', rule) as Promise<ActiveFault>;
  }

  faults(): Promise<ActiveFault[]> {
    return this.request('GET', '/faults') as Promise<ActiveFault[]>;
  }

  clearFaults(): Promise<void> {
    return this.request('DELETE', '/faults').then(() => undefined);
  }

  /** Simulates `replicas` connected cloudflared processes for the tunnel. */
  setConnectors(tunnelId: string, replicas: number, options: { reconnectOnCleanup?: boolean } = {}): Promise<void> {
    return this.request('PUT', `/tunnels/${encodeURIComponent(tunnelId)}/connectors`, { replicas, ...options }).then(
      () => undefined,
    );
  }

  /**
   * How the tunnel's connectors take up a pushed configuration: `delayMs` after the PUT, and never above `holdAt`
   * (null: catch up again). Fields left out keep their value.
   */
  setConfigPickup(tunnelId: string, pickup: ConfigPickupRequest): Promise<void> {
    return this.request('PUT', `/tunnels/${encodeURIComponent(tunnelId)}/config-pickup`, pickup).then(() => undefined);
  }

  setRateLimit(settings: RateLimitSettings): Promise<void> {
    return this.request('PUT', '/rate-limit', settings).then(() => undefined);
  }

  advanceClock(advanceMs: number): Promise<void> {
    return this.request('POST', '/clock', { advanceMs }).then(() => undefined);
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = await response.json();
    if (!response.ok)
      throw new Error(`emulator control ${method} ${path}: HTTP ${response.status} ${JSON.stringify(payload)}`);
    return payload;
  }
}
