import type { TunnelConnectors } from '../../cloudflare/index.js';
import {
  CONNECTORS_RECHECK_MAX_MS,
  CONNECTORS_RECHECK_MIN_MS,
  connectorsSettling,
  connectorsStatus,
  nextRecheckMs,
  remoteLiveness,
  type PickupInput,
} from './config-pickup.js';

const connectors = (count: number, configVersion: number | undefined): TunnelConnectors => ({
  count,
  colos: count > 0 ? ['ams01', 'fra02'] : [],
  versions: count > 0 ? ['2025.1.0'] : [],
  configVersion,
});
const input = (over: Partial<PickupInput>): PickupInput => ({
  rules: ['old', 'new'],
  previouslyLive: new Set(['old']),
  pushedVersion: 7,
  connectors: connectors(2, 7),
  wantedReplicas: 2,
  ...over,
});

describe('remoteLiveness', () => {
  it('serves every rule once the lowest connector runs the pushed version or a later one', () => {
    expect(remoteLiveness(input({}))).toEqual({ notLive: new Set(), notLiveMessage: '' });
    expect(remoteLiveness(input({ connectors: connectors(2, 8) }))).toEqual({ notLive: new Set(), notLiveMessage: '' });
  });

  it('holds the rules not Active before while the connectors run an older version, and says which', () => {
    const liveness = remoteLiveness(input({ connectors: connectors(2, 6) }));
    expect(liveness.notLive).toEqual(new Set(['new']));
    expect(liveness.notLiveMessage).toBe(
      'cloudflared has not picked up configuration version 7 yet (its connectors report version 6)',
    );
  });

  it('holds every rule while no connector is connected, naming replicas 0 when that is why', () => {
    const starting = remoteLiveness(input({ connectors: connectors(0, undefined) }));
    expect(starting.notLive).toEqual(new Set(['old', 'new']));
    expect(starting.notLiveMessage).toBe('no cloudflared connector is connected to the tunnel yet');
    const scaledDown = remoteLiveness(input({ connectors: connectors(0, undefined), wantedReplicas: 0 }));
    expect(scaledDown.notLive).toEqual(new Set(['old', 'new']));
    expect(scaledDown.notLiveMessage).toBe(
      'no cloudflared connector is connected to the tunnel (spec.cloudflared.replicas is 0)',
    );
  });

  it('cannot tell without versions (none pushed, or none reported): the rules count as served', () => {
    expect(remoteLiveness(input({ pushedVersion: undefined, connectors: connectors(2, 0) })).notLive).toEqual(
      new Set(),
    );
    expect(remoteLiveness(input({ connectors: connectors(2, undefined) })).notLive).toEqual(new Set());
  });
});

describe('connectorsSettling', () => {
  it.each([
    ['as many connectors as ready pods, on the pushed version', connectors(2, 7), 2, 7, false],
    ['none, none ready (scaled to zero)', connectors(0, undefined), 0, 7, false],
    ['local mode: no version to wait for', connectors(2, 0), 2, undefined, false],
    ['pods ready that Cloudflare does not list yet', connectors(1, 7), 2, 7, true],
    ['connectors of pods that are going', connectors(3, 7), 2, 7, true],
    ['connectors behind the pushed version', connectors(2, 6), 2, 7, true],
  ])('%s → %s', (_name, reported, ready, pushed, expected) => {
    expect(connectorsSettling(reported, ready, pushed)).toBe(expected);
  });
});

describe('nextRecheckMs', () => {
  it('starts at the minimum and doubles up to the maximum', () => {
    const delays: number[] = [];
    let previous: number | undefined;
    for (let i = 0; i < 9; i++) delays.push((previous = nextRecheckMs(previous)));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect([delays[0], delays.at(-1)]).toEqual([CONNECTORS_RECHECK_MIN_MS, CONNECTORS_RECHECK_MAX_MS]);
  });
});

describe('connectorsStatus', () => {
  it('carries the configuration version in cloudflare mode only', () => {
    expect(connectorsStatus(connectors(2, 5), 'cloudflare')).toEqual({
      count: 2,
      colos: ['ams01', 'fra02'],
      versions: ['2025.1.0'],
      configVersion: 5,
    });
    expect(connectorsStatus(connectors(2, 0), 'local')).toEqual({
      count: 2,
      colos: ['ams01', 'fra02'],
      versions: ['2025.1.0'],
    });
    expect(connectorsStatus(connectors(0, undefined), 'cloudflare')).toEqual({ count: 0, colos: [], versions: [] });
    // No key at all rather than one set to undefined: status is compared field by field before it is written.
    expect(Object.keys(connectorsStatus(connectors(0, undefined), 'cloudflare'))).toEqual([
      'count',
      'colos',
      'versions',
    ]);
  });
});
