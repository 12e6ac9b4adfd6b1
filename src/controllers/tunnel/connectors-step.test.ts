import type { CloudflareGateway, TunnelConnectors } from '../../cloudflare/index.js';
import { FakeClock } from '../../runtime/testing/fake-clock.js';
import { CloudflareMemo } from './cloudflare-memo.js';
import { observeConnectors, type ConnectorsInput } from './connectors-step.js';

const RESYNC_MS = 600_000;
const reported = (count: number, configVersion: number): TunnelConnectors => ({
  count,
  colos: ['ams01'],
  versions: ['2025.1.0'],
  configVersion,
});

/** A gateway whose connections list answers `answer`, counting the calls. */
function setUp(answer: TunnelConnectors) {
  const clock = new FakeClock();
  const memo = new CloudflareMemo(clock, RESYNC_MS);
  const world = { answer, calls: 0 };
  const gateway = {
    getConnectors: () => {
      world.calls++;
      return Promise.resolve(world.answer);
    },
  } as Pick<CloudflareGateway, 'getConnectors'> as CloudflareGateway;
  const observe = (over: Partial<ConnectorsInput> = {}) =>
    observeConnectors({
      gateway,
      accountId: 'a',
      tunnelId: 't',
      memo,
      memoTunnel: 'uid',
      memoKey: 'key t',
      readyReplicas: 2,
      pushedVersion: 7,
      ...over,
    });
  return { clock, world, observe };
}

describe('observeConnectors', () => {
  it('reads once per resync period while the connectors match the ready pods and the pushed version', async () => {
    const { clock, world, observe } = setUp(reported(2, 7));
    expect(await observe()).toEqual({ connectors: reported(2, 7), recheckAfterMs: undefined });
    await clock.advance(RESYNC_MS - 1);
    await observe();
    expect(world.calls).toBe(1);
    await clock.advance(1);
    await observe();
    expect(world.calls).toBe(2);
  });

  it('after the ready pods or the pushed version change, looks a moment later; the old answer stands meanwhile', async () => {
    const { clock, world, observe } = setUp(reported(2, 7));
    await observe();
    world.answer = reported(3, 8);
    expect(await observe({ readyReplicas: 3 })).toEqual({ connectors: reported(2, 7), recheckAfterMs: 1000 });
    await clock.advance(999);
    expect(await observe({ readyReplicas: 3 })).toEqual({ connectors: reported(2, 7), recheckAfterMs: 1 });
    expect(world.calls).toBe(1);
    await clock.advance(1);
    expect((await observe({ readyReplicas: 3 })).connectors).toEqual(reported(3, 8));
    expect(world.calls).toBe(2);
  });

  it('a burst of pushes costs one read, a moment after the last', async () => {
    const { clock, world, observe } = setUp(reported(2, 7));
    await observe();
    world.answer = reported(2, 10);
    for (const version of [8, 9, 10]) {
      expect((await observe({ pushedVersion: version })).recheckAfterMs).toBe(1000);
      await clock.advance(500);
    }
    await clock.advance(500);
    expect(await observe({ pushedVersion: 10 })).toEqual({ connectors: reported(2, 10), recheckAfterMs: undefined });
    expect(world.calls).toBe(2);
  });

  it('while connectors lag: looks again after a backoff, with a requeue, and not before', async () => {
    const { clock, world, observe } = setUp(reported(2, 6));
    expect((await observe()).recheckAfterMs).toBe(1000);
    await clock.advance(999);
    expect(await observe()).toEqual({ connectors: reported(2, 6), recheckAfterMs: 1 }); // the look still due
    expect(world.calls).toBe(1);
    await clock.advance(1);
    expect((await observe()).recheckAfterMs).toBe(2000);
    await clock.advance(2000);
    expect((await observe()).recheckAfterMs).toBe(4000);
    expect(world.calls).toBe(3);
    world.answer = reported(2, 7);
    await clock.advance(4000);
    expect(await observe()).toEqual({ connectors: reported(2, 7), recheckAfterMs: undefined });
    await clock.advance(60_000);
    await observe();
    expect(world.calls).toBe(4);
  });

  it('starts the backoff over for a newly pushed version', async () => {
    const { clock, observe } = setUp(reported(2, 6));
    await observe();
    await clock.advance(1000);
    expect((await observe()).recheckAfterMs).toBe(2000);
    expect((await observe({ pushedVersion: 8 })).recheckAfterMs).toBe(1000); // the moment after the push
    await clock.advance(1000);
    expect((await observe({ pushedVersion: 8 })).recheckAfterMs).toBe(1000); // still behind: the backoff from 1 s
  });

  it('looks again soon while ready pods are not listed yet', async () => {
    const { world, observe } = setUp(reported(0, 0));
    expect((await observe({ pushedVersion: undefined })).recheckAfterMs).toBe(1000);
    world.answer = reported(2, 0);
    expect((await observe({ pushedVersion: undefined, readyReplicas: 3 })).recheckAfterMs).toBe(1000);
  });

  it('reads at once the first time (nothing known yet)', async () => {
    const { world, observe } = setUp(reported(2, 7));
    expect((await observe()).connectors).toEqual(reported(2, 7));
    expect(world.calls).toBe(1);
  });
});
