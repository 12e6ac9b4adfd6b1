import { forcedSplits } from '../../bench/batches.js';

describe('forcedSplits: batch requests a Free zone forces beyond one per tunnel', () => {
  it.each([
    [10, 2, 0],
    [400, 2, 0],
    [402, 2, 2],
    [1000, 2, 4],
    [201, 1, 1],
    [401, 1, 2],
  ])('%i records over %i tunnels: %i', (count, tunnels, expected) => {
    const want = Array.from({ length: count }, (_, i) => ({ tunnel: `t${i % tunnels}` }));
    expect(forcedSplits(want)).toBe(expected);
  });
});
