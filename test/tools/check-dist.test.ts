// scripts/check-dist.mjs: which of the bundle's inputs are test code that must not ship.
// @ts-expect-error: a plain ES module script, without type declarations
import { testCodeIn } from '../../scripts/check-dist.mjs';

const check = testCodeIn as (inputs: string[]) => string[];

describe('check-dist: the bundle inputs that are test code', () => {
  it('passes the operator and its libraries', () => {
    expect(
      check([
        'src/main.ts',
        'src/runtime/controller.ts',
        'node_modules/winston/lib/winston.js',
        'node_modules/x/testing/y.js',
      ]),
    ).toEqual([]);
  });

  it.each([
    ['src/runtime/testing/fake-kube.ts', 'a test helper (testing/)'],
    ['src/render/testing/fixtures.ts', 'a test helper (testing/)'],
    ['src/runtime/controller.test.ts', 'a test'],
    ['test/cloudflare-emulator/server.ts', 'not part of src/'],
  ])('names %s: %s', (input, reason) => {
    expect(check(['src/main.ts', input])).toEqual([`${input}: ${reason}`]);
  });
});
