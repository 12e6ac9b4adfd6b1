import { sleep } from '../clock.js';
import { InstantClock } from './instant-clock.js';

describe('InstantClock', () => {
  it('fires a sleep at once, moving virtual time by its delay and recording it', async () => {
    const clock = new InstantClock(1_000);
    await sleep(clock, 250);
    await sleep(clock, 0);
    expect(clock.now()).toBe(1_250);
    expect(clock.delays).toEqual([250, 0]);
  });

  it('does not fire a cancelled timer', async () => {
    const clock = new InstantClock();
    let fired = false;
    clock
      .schedule(10, () => {
        fired = true;
      })
      .cancel();
    await Promise.resolve();
    expect(fired).toBe(false);
  });

  it('rejects a sleep whose signal is aborted before the timer fires', async () => {
    const clock = new InstantClock();
    const controller = new AbortController();
    const pending = sleep(clock, 10, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
