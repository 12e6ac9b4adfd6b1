import { defaultOriginRequest, durationSeconds, mergeOriginRequest, toRemoteOriginRequest } from './origin-request.js';

describe('defaultOriginRequest', () => {
  it('is empty without options', () => {
    expect(defaultOriginRequest(undefined)).toEqual({});
  });

  it('turns the CA Secret into the mounted file path', () => {
    expect(defaultOriginRequest({ caPoolSecretRef: { name: 'ca' }, noTLSVerify: false })).toEqual({
      caPool: '/etc/cloudflared/ca/ca.crt',
      noTLSVerify: false,
    });
  });

  it('emits keys in sorted order', () => {
    const out = defaultOriginRequest({ tlsTimeout: '1s', connectTimeout: '2s', http2Origin: true });
    expect(Object.keys(out)).toEqual(['connectTimeout', 'http2Origin', 'tlsTimeout']);
  });
});

describe('mergeOriginRequest', () => {
  it('lays the route overrides over the defaults', () => {
    const merged = mergeOriginRequest(
      { connectTimeout: '30s', noTLSVerify: false, caPool: '/ca' },
      { noTLSVerify: true, httpHostHeader: 'h' },
    );
    expect(merged).toEqual({ caPool: '/ca', connectTimeout: '30s', httpHostHeader: 'h', noTLSVerify: true });
  });

  it('does not let an undefined override erase a default', () => {
    expect(mergeOriginRequest({ noTLSVerify: true }, { noTLSVerify: undefined })).toEqual({ noTLSVerify: true });
  });
});

describe('durationSeconds', () => {
  it.each([
    ['30s', 30],
    ['1m30s', 90],
    ['1.5h', 5400],
    ['250ms', 1],
    ['1500ms', 2],
    ['0s', 0],
    ['2m', 120],
    ['100ns', 1],
  ])('%s → %i', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['', '30', '1d', 'x1s', '1s '])('refuses %j', (text) => {
    expect(() => durationSeconds(text)).toThrow(/not a duration/);
  });
});

describe('toRemoteOriginRequest', () => {
  it('converts the four durations to integer seconds and keeps the rest', () => {
    expect(
      toRemoteOriginRequest({
        connectTimeout: '10s',
        tlsTimeout: '5s',
        tcpKeepAlive: '1m',
        keepAliveTimeout: '1m30s',
        keepAliveConnections: 10,
        noTLSVerify: true,
        caPool: '/ca',
      }),
    ).toEqual({
      connectTimeout: 10,
      tlsTimeout: 5,
      tcpKeepAlive: 60,
      keepAliveTimeout: 90,
      keepAliveConnections: 10,
      noTLSVerify: true,
      caPool: '/ca',
    });
  });
});
