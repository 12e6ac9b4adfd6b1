// One HTTP server for probes and metrics: /healthz (the process is alive), /readyz (watches synced and the
// leader-election state known), /metrics (Prometheus text format from our registry).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';

/** A named readiness check; returns a reason when not ready. */
export interface ReadinessCheck {
  name: string;
  check: () => string | undefined;
}

export interface HealthServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  readiness: ReadinessCheck[];
  logger: Logger;
}

export class HealthServer {
  private readonly server: Server;
  private shuttingDown = false;

  constructor(private readonly options: HealthServerOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        options.logger.error('health server request failed', { error: describeError(err), url: req.url });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  }

  /** Resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Readiness fails from now on (called first thing on shutdown). */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The reasons readiness fails, empty when ready. */
  notReadyReasons(): string[] {
    const reasons: string[] = this.shuttingDown ? ['shutting down'] : [];
    for (const { name, check } of this.options.readiness) {
      const reason = check();
      if (reason) reasons.push(`${name}: ${reason}`);
    }
    return reasons;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    switch (path) {
      case '/healthz':
      case '/livez':
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
        return;
      case '/readyz': {
        const reasons = this.notReadyReasons();
        const status = reasons.length === 0 ? 200 : 503;
        res
          .writeHead(status, { 'Content-Type': 'text/plain' })
          .end(status === 200 ? 'ok\n' : `${reasons.join('\n')}\n`);
        return;
      }
      case '/metrics': {
        const body = await this.options.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.options.registry.contentType }).end(body);
        return;
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  }
}
