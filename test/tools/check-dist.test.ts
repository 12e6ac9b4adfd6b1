// scripts/check-dist.mjs: which of the bundle's inputs are test code that must not ship.
// @ts-expect-error: a plain ES module script, without type declarations
import { generatedClientIn, testCodeIn } from '../../scripts/check-dist.mjs';

const check = testCodeIn as (inputs: string[]) => string[];
const checkGenerated = generatedClientIn as (inputs: Record<string, { bytesInOutput: number }>) => string[];

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

describe('check-dist: the generated Kubernetes API clients in the bundle', () => {
  const gen = 'node_modules/@kubernetes/client-node/dist/gen';

  it('passes the parts of client-node the operator uses, and inputs tree-shaken away', () => {
    expect(
      checkGenerated({
        'node_modules/@kubernetes/client-node/dist/config.js': { bytesInOutput: 30_000 },
        [`${gen}/apis/exception.js`]: { bytesInOutput: 300 },
        [`${gen}/http/http.js`]: { bytesInOutput: 5_000 },
        [`${gen}/models/V1Pod.js`]: { bytesInOutput: 2_000 },
        [`${gen}/apis/CoreV1Api.js`]: { bytesInOutput: 0 },
        [`${gen}/models/ObjectSerializer.js`]: { bytesInOutput: 0 },
      }),
    ).toEqual([]);
  });

  it.each([`${gen}/apis/CoreV1Api.js`, `${gen}/types/PromiseAPI.js`, `${gen}/models/ObjectSerializer.js`])(
    'names %s',
    (input) => {
      expect(checkGenerated({ 'src/main.ts': { bytesInOutput: 10 }, [input]: { bytesInOutput: 1 } })).toEqual([
        `${input}: generated Kubernetes client code`,
      ]);
    },
  );
});
