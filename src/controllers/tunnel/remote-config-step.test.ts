import { remoteConfigUpToDate } from './remote-config-step.js';

const wanted = { ingress: [{ service: 'http_status:404' }] };
const echoed = { ingress: [{ service: 'http_status:404', originRequest: {} }], originRequest: {} };

describe('remoteConfigUpToDate', () => {
  it.each([
    ['nothing pushed, nothing there', undefined, { version: 0, config: undefined }, false],
    ['nothing pushed, the same fields there', undefined, { version: 4, config: echoed }, true],
    ['pushed this hash, version unchanged', { hash: 'h', version: 4 }, { version: 4, config: { ingress: [] } }, true],
    ['pushed this hash, version moved', { hash: 'h', version: 4 }, { version: 5, config: { ingress: [] } }, false],
    ['pushed another hash', { hash: 'old', version: 4 }, { version: 4, config: { ingress: [] } }, false],
  ])('%s', (_name, pushed, current, expected) => {
    expect(remoteConfigUpToDate(wanted, 'h', current, pushed)).toBe(expected);
  });
});
