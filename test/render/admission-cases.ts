// A catalogue of Tunnel/ClusterTunnel objects the CRD schema must refuse at admission (and a few it must
// accept), for the e2e suite to apply against a real API server. Each refusal names a fragment of the
// message the API server returns. Checked by hand against kube-apiserver v1.37.2.
import type { TunnelSpec } from '../../src/api/types.js';

export interface AdmissionCase {
  name: string;
  /** metadata.name; default "web". */
  objectName?: string;
  spec: unknown;
  /** When set, the object is first created with `before`, then updated to `spec`. */
  before?: unknown;
  /** A fragment of the API server's error; absent when the object must be accepted. */
  refusedWith?: string;
}

const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

export const validSpec: TunnelSpec = {
  cloudflare: { accountId: ACCOUNT_ID, credentialsSecretRef: { name: 'cf-credentials' }, zones: ['example.com'] },
};

/** validSpec with one section replaced. */
function withSection(section: Partial<Record<keyof TunnelSpec, unknown>>): unknown {
  return { ...validSpec, ...section };
}

function withCloudflare(cloudflare: Record<string, unknown>): unknown {
  return withSection({ cloudflare: { ...validSpec.cloudflare, ...cloudflare } });
}

function withCloudflared(cloudflared: Record<string, unknown>): unknown {
  return withSection({ cloudflared });
}

function withOrigin(originRequest: Record<string, unknown>): unknown {
  return withSection({ originRequest });
}

const secretRef = validSpec.cloudflare.credentialsSecretRef;

export const refusedAtCreate: AdmissionCase[] = [
  { name: 'no spec.cloudflare', spec: { tunnel: { create: {} } }, refusedWith: 'spec.cloudflare: Required value' },
  {
    name: 'no credentialsSecretRef',
    spec: { cloudflare: { accountId: ACCOUNT_ID } },
    refusedWith: 'credentialsSecretRef: Required value',
  },
  {
    name: 'both accountId and accountName',
    spec: withCloudflare({ accountName: 'Shop' }),
    refusedWith: 'exactly one of accountId or accountName',
  },
  {
    name: 'neither accountId nor accountName',
    spec: { cloudflare: { credentialsSecretRef: secretRef } },
    refusedWith: 'exactly one of accountId or accountName',
  },
  { name: 'accountId not 32 hex digits', spec: withCloudflare({ accountId: 'ABC123' }), refusedWith: 'accountId' },
  {
    name: 'apiKeyKey without emailKey',
    spec: withCloudflare({ credentialsSecretRef: { name: 'cf', apiKeyKey: 'apiKey' } }),
    refusedWith: 'apiKeyKey and emailKey must be set together',
  },
  {
    name: 'emailKey without apiKeyKey',
    spec: withCloudflare({ credentialsSecretRef: { name: 'cf', emailKey: 'email' } }),
    refusedWith: 'apiKeyKey and emailKey must be set together',
  },
  {
    name: 'Secret name not a DNS name',
    spec: withCloudflare({ credentialsSecretRef: { name: 'CF_Creds' } }),
    refusedWith: 'credentialsSecretRef.name',
  },
  { name: 'zone in upper case', spec: withCloudflare({ zones: ['Example.COM'] }), refusedWith: 'zones[0]' },
  { name: 'zone without a dot', spec: withCloudflare({ zones: ['localhost'] }), refusedWith: 'zones[0]' },
  {
    name: 'duplicate zone',
    spec: withCloudflare({ zones: ['example.com', 'example.com'] }),
    refusedWith: 'Duplicate value',
  },
  {
    name: 'more than 50 zones',
    spec: withCloudflare({ zones: Array.from({ length: 51 }, (_, i) => `z${i}.example.com`) }),
    refusedWith: 'must have at most 50 items',
  },
  {
    name: 'both create and adopt',
    spec: withSection({ tunnel: { create: {}, adopt: { id: TUNNEL_ID } } }),
    refusedWith: 'exactly one of create or adopt',
  },
  {
    name: 'neither create nor adopt',
    spec: withSection({ tunnel: {} }),
    refusedWith: 'exactly one of create or adopt',
  },
  { name: 'adopt without id', spec: withSection({ tunnel: { adopt: {} } }), refusedWith: 'id: Required value' },
  {
    name: 'adopt.id not a UUID',
    spec: withSection({ tunnel: { adopt: { id: 'my-tunnel' } } }),
    refusedWith: 'must be a tunnel ID',
  },
  {
    name: 'adopt.id in upper case',
    spec: withSection({ tunnel: { adopt: { id: TUNNEL_ID.toUpperCase() } } }),
    refusedWith: 'must be a tunnel ID',
  },
  {
    name: 'create.name with a space',
    spec: withSection({ tunnel: { create: { name: 'my tunnel' } } }),
    refusedWith: 'create.name',
  },
  {
    name: 'create.name too long',
    spec: withSection({ tunnel: { create: { name: 'a'.repeat(128) } } }),
    refusedWith: 'create.name',
  },
  { name: 'unknown configSource', spec: withSection({ configSource: 'remote' }), refusedWith: 'configSource' },
  {
    name: 'image with a space',
    spec: withCloudflared({ image: 'cloudflare/cloudflared latest' }),
    refusedWith: 'must be a valid image reference',
  },
  {
    name: 'image with two tags',
    spec: withCloudflared({ image: 'cloudflared:1:2' }),
    refusedWith: 'must be a valid image reference',
  },
  {
    name: 'image with a short digest',
    spec: withCloudflared({ image: 'cloudflared@sha256:abc' }),
    refusedWith: 'must be a valid image reference',
  },
  {
    name: 'empty image',
    spec: withCloudflared({ image: '' }),
    refusedWith: 'must be a valid image reference',
  },
  { name: 'unknown pull policy', spec: withCloudflared({ imagePullPolicy: 'Sometimes' }), refusedWith: 'Unsupported' },
  {
    name: 'networkPolicy.enabled not a boolean',
    spec: withCloudflared({ networkPolicy: { enabled: 'no' } }),
    refusedWith: 'must be of type boolean',
  },
  {
    name: 'negative replicas',
    spec: withCloudflared({ replicas: -1 }),
    refusedWith: 'should be greater than or equal to 0',
  },
  {
    name: 'too many replicas',
    spec: withCloudflared({ replicas: 51 }),
    refusedWith: 'should be less than or equal to 50',
  },
  { name: 'replicas as a string', spec: withCloudflared({ replicas: 'two' }), refusedWith: 'replicas' },
  { name: 'unknown protocol', spec: withCloudflared({ protocol: 'h3' }), refusedWith: 'Unsupported value' },
  { name: 'unknown log level', spec: withCloudflared({ logLevel: 'trace' }), refusedWith: 'Unsupported value' },
  {
    name: 'too many extra args',
    spec: withCloudflared({ extraArgs: Array.from({ length: 33 }, () => '--x') }),
    refusedWith: 'must have at most 32 items',
  },
  {
    name: 'bad resource quantity',
    spec: withCloudflared({ resources: { limits: { memory: 'lots' } } }),
    refusedWith: 'limits.memory',
  },
  {
    name: 'unknown toleration operator',
    spec: withCloudflared({ tolerations: [{ key: 'k', operator: 'Maybe' }] }),
    refusedWith: 'Unsupported value',
  },
  {
    name: 'priorityClassName not a DNS name',
    spec: withCloudflared({ priorityClassName: 'High_Priority' }),
    refusedWith: 'priorityClassName',
  },
  { name: 'duration without a unit', spec: withOrigin({ connectTimeout: '30' }), refusedWith: 'connectTimeout' },
  { name: 'duration in words', spec: withOrigin({ tlsTimeout: 'ten seconds' }), refusedWith: 'tlsTimeout' },
  {
    name: 'negative keepAliveConnections',
    spec: withOrigin({ keepAliveConnections: -1 }),
    refusedWith: 'keepAliveConnections',
  },
  { name: 'caPoolSecretRef without a name', spec: withOrigin({ caPoolSecretRef: {} }), refusedWith: 'name: Required' },
  {
    name: 'fallback status out of range',
    spec: withSection({ fallbackService: 'http_status:999' }),
    refusedWith: 'must be http_status:NNN',
  },
  {
    name: 'fallback with an unsupported scheme',
    spec: withSection({ fallbackService: 'ftp://files.internal' }),
    refusedWith: 'must be http_status:NNN',
  },
  {
    name: 'fallback URL with a path (cloudflared refuses it)',
    spec: withSection({ fallbackService: 'https://maintenance.shop.svc:8443/down' }),
    refusedWith: 'must be http_status:NNN',
  },
  {
    name: 'fallback as a bare word',
    spec: withSection({ fallbackService: 'nothing' }),
    refusedWith: 'must be http_status:NNN',
  },
  {
    name: 'name longer than 63 characters',
    objectName: 'a'.repeat(64),
    spec: validSpec,
    refusedWith: 'metadata.name must be at most 63 characters',
  },
];

const adoptSpec = withSection({ tunnel: { adopt: { id: TUNNEL_ID } } });
const OTHER_ACCOUNT_ID = 'fedcba9876543210fedcba9876543210';
const byAccountName = { ...validSpec, cloudflare: { accountName: 'Shop', credentialsSecretRef: secretRef } };

export const refusedAtUpdate: AdmissionCase[] = [
  {
    name: 'switch from create to adopt',
    before: validSpec,
    spec: adoptSpec,
    refusedWith: 'cannot switch between create and adopt',
  },
  {
    name: 'change the adopted tunnel',
    before: adoptSpec,
    spec: withSection({ tunnel: { adopt: { id: '11111111-2222-4333-8444-555555555555' } } }),
    refusedWith: 'spec.tunnel.adopt is immutable',
  },
  {
    name: 'rename the created tunnel',
    before: withSection({ tunnel: { create: { name: 'shop' } } }),
    spec: withSection({ tunnel: { create: { name: 'shop-2' } } }),
    refusedWith: 'spec.tunnel.create is immutable',
  },
  {
    name: 'name the created tunnel (it had the default name)',
    before: validSpec,
    spec: withSection({ tunnel: { create: { name: 'shop' } } }),
    refusedWith: 'spec.tunnel.create is immutable',
  },
  {
    name: 'drop the name of the created tunnel (back to the default)',
    before: withSection({ tunnel: { create: { name: 'shop' } } }),
    spec: validSpec,
    refusedWith: 'spec.tunnel.create is immutable',
  },
  {
    name: 'move the tunnel to another account ID',
    before: validSpec,
    spec: withCloudflare({ accountId: OTHER_ACCOUNT_ID }),
    refusedWith: 'spec.cloudflare.accountId is immutable',
  },
  {
    name: 'move the tunnel to another account name',
    before: byAccountName,
    spec: { cloudflare: { ...byAccountName.cloudflare, accountName: 'Other' } },
    refusedWith: 'spec.cloudflare.accountName is immutable',
  },
  {
    name: 'switch from accountId to accountName',
    before: validSpec,
    spec: byAccountName,
    refusedWith: 'cannot switch between accountId and accountName',
  },
  {
    name: 'switch from accountName to accountId',
    before: byAccountName,
    spec: validSpec,
    refusedWith: 'cannot switch between accountId and accountName',
  },
];

export const accepted: AdmissionCase[] = [
  { name: 'minimal spec (everything defaulted)', spec: validSpec },
  {
    name: 'account by name, global API key',
    spec: {
      cloudflare: {
        accountName: 'Shop',
        credentialsSecretRef: { name: 'cf', apiKeyKey: 'apiKey', emailKey: 'email' },
      },
    },
  },
  { name: 'adopt by ID', spec: adoptSpec },
  {
    name: 'every field set',
    spec: {
      cloudflare: {
        accountId: ACCOUNT_ID,
        credentialsSecretRef: { name: 'cf', apiTokenKey: 'token' },
        zones: ['example.com', 'shop.example.org'],
      },
      tunnel: { create: { name: 'shop-prod' } },
      configSource: 'cloudflare',
      cloudflared: {
        image: 'registry.internal:5000/mirror/cloudflared:2026.8.2@sha256:' + 'a'.repeat(64),
        imagePullPolicy: 'Always',
        replicas: 3,
        protocol: 'quic',
        logLevel: 'warn',
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '512Mi' } },
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'edge', effect: 'NoSchedule' }],
        affinity: { nodeAffinity: {} },
        priorityClassName: 'system-cluster-critical',
        extraArgs: ['--edge-ip-version', '4'],
        podAnnotations: { 'example.com/team': 'edge' },
        podLabels: { team: 'edge' },
        networkPolicy: { enabled: false },
      },
      originRequest: {
        noTLSVerify: false,
        originServerName: 'origin.internal',
        caPoolSecretRef: { name: 'origin-ca' },
        connectTimeout: '10s',
        tlsTimeout: '5s',
        tcpKeepAlive: '30s',
        keepAliveTimeout: '1m30s',
        keepAliveConnections: 50,
        http2Origin: true,
        httpHostHeader: 'shop.internal',
        disableChunkedEncoding: false,
        noHappyEyeballs: true,
      },
      fallbackService: 'https://maintenance.shop.svc.cluster.local:8443',
      dns: { adoptUnmanaged: true },
    },
  },
  { name: 'scale to zero', spec: withCloudflared({ replicas: 0 }) },
  { name: 'unix socket fallback', spec: withSection({ fallbackService: 'unix:/run/app.sock' }) },
  {
    name: 'update: scale and change origin defaults',
    before: validSpec,
    spec: withSection({ cloudflared: { replicas: 3 }, originRequest: { connectTimeout: '5s' } }),
  },
  {
    name: 'update: the created tunnel keeps its name, replicas change',
    before: withSection({ tunnel: { create: { name: 'shop' } } }),
    spec: withSection({ tunnel: { create: { name: 'shop' } }, cloudflared: { replicas: 2 } }),
  },
  {
    name: 'update: the adopted tunnel is unchanged, the fallback changes',
    before: adoptSpec,
    spec: withSection({ tunnel: { adopt: { id: TUNNEL_ID } }, fallbackService: 'http_status:503' }),
  },
  {
    name: 'update: other zones and another credentials Secret (not what identifies the tunnel)',
    before: validSpec,
    spec: withCloudflare({ zones: ['example.org'], credentialsSecretRef: { name: 'cf-rotated' } }),
  },
];
