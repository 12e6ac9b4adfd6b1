import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeTransport } from './kube-client.js';

/**
 * A loopback API server stand-in that answers every request with the same object, and records the connections it
 * accepted and the Authorization header of each request.
 */
async function countingServer(): Promise<{
  server: Server;
  url: string;
  connections: () => number;
  tokens: string[];
}> {
  const tokens: string[] = [];
  let accepted = 0;
  const server = createServer((req, res) => {
    tokens.push(req.headers.authorization ?? '');
    res.setHeader('Content-Type', 'application/json');
    res.end('{"kind":"Namespace"}');
  });
  server.on('connection', () => accepted++);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, connections: () => accepted, tokens };
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
    const { server, url, connections } = await countingServer();
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
    const { server, url, tokens } = await countingServer();
    let token = 'first';
    try {
      const transport = createKubeTransport(kubeConfigFor(url, () => token));
      await transport.request({ method: 'GET', path: '/api/v1/namespaces/default' });
      token = 'rotated';
      await transport.request({ method: 'GET', path: '/api/v1/namespaces/default' });
      expect(tokens).toEqual(['Bearer first', 'Bearer rotated']);
    } finally {
      await close(server);
    }
  });
});
