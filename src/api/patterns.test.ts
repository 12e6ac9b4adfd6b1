import {
  ACCOUNT_ID_PATTERN,
  DURATION_PATTERN,
  FALLBACK_SERVICE_PATTERN,
  IMAGE_PATTERN,
  OBJECT_NAME_PATTERN,
  TUNNEL_NAME_PATTERN,
  UUID_PATTERN,
  ZONE_NAME_PATTERN,
  compile,
} from './patterns.js';

// [pattern, accepted values, refused values]
const cases: [string, string, string[], string[]][] = [
  [
    'account ID',
    ACCOUNT_ID_PATTERN,
    ['0123456789abcdef0123456789abcdef'],
    ['0123', 'ABCDEF0123456789abcdef0123456789', ''],
  ],
  [
    'UUID',
    UUID_PATTERN,
    ['6ff42ae2-765d-4adf-8112-31c55c1551ef'],
    ['6FF42AE2-765D-4ADF-8112-31C55C1551EF', '6ff42ae2765d4adf811231c55c1551ef', 'my-tunnel'],
  ],
  [
    'zone name',
    ZONE_NAME_PATTERN,
    ['example.com', 'shop.example.co.uk', 'xn--bcher-kva.example', 'a1.io'],
    ['localhost', 'Example.com', '-bad.com', 'bad-.com', 'example.com.', '*.example.com', 'a..com'],
  ],
  ['object name', OBJECT_NAME_PATTERN, ['cf', 'cf-creds', 'a.b-c'], ['CF', '-a', 'a_b', '']],
  ['tunnel name', TUNNEL_NAME_PATTERN, ['shop-web', 'Shop_Prod.1', 'a'], ['-a', 'a-', 'my tunnel', '']],
  [
    'duration',
    DURATION_PATTERN,
    ['30s', '1m30s', '1.5h', '250ms', '0s', '100us', '10ns'],
    ['30', 's', '1d', '1 m', '-1s', ''],
  ],
  [
    'image',
    IMAGE_PATTERN,
    [
      'cloudflared',
      'cloudflare/cloudflared:2026.8.2',
      'registry.internal:5000/mirror/cloudflared:v1',
      'ghcr.io/org/team/cloudflared@sha256:' + 'a'.repeat(64),
      'cloudflared:2026.8.2@sha256:' + 'b'.repeat(64),
      'my_registry/cloud__flared',
    ],
    [
      '',
      'a b',
      'cloudflared:1:2',
      'cloudflared@sha256:abc',
      'cloudflared:',
      '/cloudflared',
      'cloudflared/',
      'Cloud/Flared',
    ],
  ],
  [
    'fallback service',
    FALLBACK_SERVICE_PATTERN,
    [
      'http_status:404',
      'http_status:503',
      'http://maintenance.shop.svc.cluster.local',
      'https://maintenance:8443',
      'tcp://10.0.0.1:5432',
      'http://[::1]:8080',
      'unix:/run/app.sock',
      'unix+tls:/run/app.sock',
    ],
    [
      'http_status:999',
      'http_status:40',
      'ftp://x',
      'http://',
      'https://maintenance:8443/down',
      'http://m:80/',
      'hello_world',
      'nothing',
      'http://a b',
      '',
    ],
  ],
];

describe.each(cases)('%s pattern', (_name, pattern, good, bad) => {
  const regex = compile(pattern);
  it.each(good)('accepts %j', (value) => expect(regex.test(value)).toBe(true));
  it.each(bad)('refuses %j', (value) => expect(regex.test(value)).toBe(false));
});
