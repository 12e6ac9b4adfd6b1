import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeTransport, resourcePath, type ResourceType } from './kube-client.js';

interface SeenRequest {
  method?: string;
  url?: string;
  contentType?: string;
  authorization?: string;
  body: string;
}

const NAMESPACE = () => ({ status: 200, body: '{"kind":"Namespace"}' });

/**
 * A loopback API server stand-in that answers each request with `reply(path)` (by default the same object), and
 * records every request it got and the connections it accepted.
 */
async function loopbackServer(reply: (path: string) => { status: number; body: string } = NAMESPACE): Promise<{
  server: Server;
  url: string;
  seen: SeenRequest[];
  connections: () => number;
}> {
  const seen: SeenRequest[] = [];
  let accepted = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { authorization } = req.headers;
      seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], authorization, body });
      const answer = reply(req.url ?? '');
      res.statusCode = answer.status;
      res.end(answer.body);
    });
  });
  server.on('connection', () => accepted++);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen, connections: () => accepted };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((closed) => server.close(closed));
}

function kubeConfigFor(server: string, token: () => string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: true }],
    users: [
      {
        name: 'u',
        get token() {
          return token();
        },
      },
    ],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return config;
}

describe('createKubeTransport', () => {
  it('reuses kept-alive connections: not a new one (a TCP and TLS handshake) for every request', async () => {
    const { server, url, connections } = await loopbackServer();
    try {
      const transport = createKubeTransport(kubeConfigFor(url, () => 't'));
      for (let i = 0; i < 10; i++) {
        await expect(transport.request({ method: 'GET', path: '/api/v1/namespaces/default' })).resolves.toEqual({
          kind: 'Namespace',
        });
      }
      // undici may open a second connection while the first is being released; never one per request.
      expect(connections()).toBeLessThanOrEqual(2);
    } finally {
      await close(server);
    }
  });

  it('applies the credentials per request over the kept connection: a rotated token is sent from then on', async () => {
    const { server, url, seen } = await loopbackServer();
    let token = 'first';
    try {
      const transport = createKubeTransport(kubeConfigFor(url, () => token));
      await transport.request({ method: 'GET', path: '/api/v1/namespaces/default' });
      token = 'rotated';
      await transport.request({ method: 'GET', path: '/api/v1/namespaces/default' });
      expect(seen.map((r) => r.authorization)).toEqual(['Bearer first', 'Bearer rotated']);
    } finally {
      await close(server);
    }
  });
});

describe('createKubeTransport: requests and answers', () => {
  it('sends the method, the query (unset values left out), the body and its content type', async () => {
    const { server, url, seen } = await loopbackServer(() => ({ status: 200, body: '{}' }));
    try {
      const transport = createKubeTransport(kubeConfigFor(url, () => 't'));
      await transport.request({
        method: 'PATCH',
        path: '/api/v1/namespaces/shop/services/web',
        query: { fieldManager: 'cloudflare-operator', dryRun: undefined },
        body: { metadata: { labels: { a: 'b' } } },
        contentType: 'application/merge-patch+json',
      });
      await transport.request({ method: 'POST', path: '/api/v1/namespaces', body: { kind: 'Namespace' } });
      expect(seen).toEqual([
        {
          method: 'PATCH',
          url: '/api/v1/namespaces/shop/services/web?fieldManager=cloudflare-operator',
          contentType: 'application/merge-patch+json',
          authorization: 'Bearer t',
          body: '{"metadata":{"labels":{"a":"b"}}}',
        },
        {
          method: 'POST',
          url: '/api/v1/namespaces',
          contentType: 'application/json',
          authorization: 'Bearer t',
          body: '{"kind":"Namespace"}',
        },
      ]);
    } finally {
      await close(server);
    }
  });

  it('answers 2xx with the parsed body (none: undefined, not JSON: the text); anything else is an ApiException', async () => {
    const answers: Record<string, { status: number; body: string }> = {
      '/ok': { status: 299, body: '{"kind":"Status"}' },
      '/empty': { status: 200, body: '' },
      '/text': { status: 200, body: 'plain text' },
      '/redirect': { status: 300, body: '' },
      '/missing': { status: 404, body: '{"kind":"Status","reason":"NotFound"}' },
    };
    const { server, url } = await loopbackServer((path) => answers[path]!);
    try {
      const transport = createKubeTransport(kubeConfigFor(url, () => 't'));
      const get = (path: string) => transport.request({ method: 'GET', path });
      await expect(get('/ok')).resolves.toEqual({ kind: 'Status' });
      await expect(get('/empty')).resolves.toBeUndefined();
      await expect(get('/text')).resolves.toBe('plain text');
      await expect(get('/redirect')).rejects.toMatchObject({ code: 300 });
      await expect(get('/missing')).rejects.toMatchObject({
        code: 404,
        body: { kind: 'Status', reason: 'NotFound' },
        message: expect.stringContaining('GET /missing failed with HTTP 404') as string,
      });
    } finally {
      await close(server);
    }
  });
});

describe('resourcePath', () => {
  const services: ResourceType = { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true };
  const tunnels: ResourceType = {
    kind: 'ClusterTunnel',
    group: 'cloudflare-operator.io',
    version: 'v1alpha1',
    plural: 'clustertunnels',
    namespaced: false,
  };

  it.each([
    [services, ['shop'], '/api/v1/namespaces/shop/services'],
    [services, [undefined], '/api/v1/services'],
    [services, ['shop', 'a b', 'status'], '/api/v1/namespaces/shop/services/a%20b/status'],
    [tunnels, ['ignored', 'edge'], '/apis/cloudflare-operator.io/v1alpha1/clustertunnels/edge'],
  ])('%#: %j %j → %s', (type, args, path) => {
    expect(resourcePath(type, ...(args as [string?, string?, string?]))).toBe(path);
  });
});
