// The HTTP server: Cloudflare v4 under /client/v4, the control API under /__emulator.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PREFIX, apiRouter, ROUTE_PERMISSIONS } from './api.js';
import { authenticate, requirePermission, type Principal } from './auth.js';
import { ControlClient } from './control-client.js';
import { CONTROL_PREFIX, controlRouter } from './control.js';
import { Emulator, type EmulatorOptions } from './emulator.js';
import { ApiFailure, failure, fail, type Envelope } from './envelope.js';
import type { FaultAction } from './faults.js';

export interface StartOptions extends EmulatorOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningEmulator {
  /** `http://host:port`. */
  url: string;
  /** The base URL to give the SDK: `http://host:port/client/v4`. */
  apiBaseUrl: string;
  control: ControlClient;
  /** The in-process emulator, for tests that prefer direct access to the control API. */
  emulator: Emulator;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  const api = apiRouter();
  const control = controlRouter();

  const server = createServer((req, res) => {
    handle(emulator, api, control, req)
      .then((reply) => {
        if (reply) send(res, reply);
      })
      .catch((err: unknown) => send(res, { status: 500, body: failure([{ code: 10001, message: String(err) }]) }));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  return {
    url,
    apiBaseUrl: `${url}${API_PREFIX}`,
    control: new ControlClient(url),
    emulator,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  emulator: Emulator,
  api: ReturnType<typeof apiRouter>,
  control: ReturnType<typeof controlRouter>,
  req: IncomingMessage,
): Promise<Reply | undefined> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    const match = control.match(method, url.pathname.slice(CONTROL_PREFIX.length));
    if (!match) return { status: 404, body: { error: 'no such control endpoint' } };
    return match.handler(emulator, match.params, raw.length ? parseJson(raw) : undefined);
  }
  const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
  const match = api.match(method, path);
  const route = match?.route ?? `${method} (no route)`;
  const fault = emulator.faults.decide(method, path);
  if (fault.latencyMs > 0) await delay(fault.latencyMs);
  const committed = commitFirst(emulator, fault, { match, url, path, req, raw });
  const caller = { at: Date.now(), ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}) };
  if (fault.kind === 'hang') {
    emulator.recordCall({
      method,
      route,
      path,
      status: 0,
      ...(committed ? { committedStatus: committed.status } : {}),
      ...caller,
    });
    return undefined; // never answered; the client times out, close() drops the socket
  }
  const reply = fault.kind === 'status' ? injected(fault) : serve(emulator, { match, url, path, req, raw });
  emulator.recordCall({
    method,
    route,
    path,
    status: reply.status,
    ...(committed ? { committedStatus: committed.status } : {}),
    ...caller,
  });
  return reply;
}

/** After commit: the request runs (and its change stays), only its answer is lost. */
function commitFirst(emulator: Emulator, fault: FaultAction, request: ApiRequest): Reply | undefined {
  return fault.kind !== 'none' && fault.afterCommit ? serve(emulator, request) : undefined;
}

interface ApiRequest {
  match: ReturnType<ReturnType<typeof apiRouter>['match']>;
  url: URL;
  /** The path below /client/v4. */
  path: string;
  req: IncomingMessage;
  raw: Buffer;
}

function serve(emulator: Emulator, { match, url, path, req, raw }: ApiRequest): Reply {
  try {
    if (!match) {
      throw new ApiFailure(400, [
        { code: 7003, message: `Could not route to ${path}, perhaps your object identifier is invalid?` },
        { code: 7000, message: 'No route for that URI' },
      ]);
    }
    const principal = authenticateFor(match.route, req.headers, emulator);
    emulator.limiter.check(principal.user, emulator.now());
    const needed = ROUTE_PERMISSIONS[match.route];
    if (needed) requirePermission(principal, needed);
    const body = raw.length ? parseJson(raw) : undefined;
    const envelope: Envelope = match.handler({
      state: emulator.state,
      principal,
      params: match.params,
      query: url.searchParams,
      body,
      path: `${API_PREFIX}${path}`,
    });
    return { status: 200, body: envelope };
  } catch (err) {
    if (err instanceof ApiFailure) return { status: err.status, body: failure(err.errors), headers: err.headers };
    throw err;
  }
}

/** Cloudflare answers an unknown token on the verify endpoint with 401 / 1000 "Invalid API Token". */
function authenticateFor(route: string, headers: IncomingMessage['headers'], emulator: Emulator): Principal {
  try {
    return authenticate(headers, emulator.state);
  } catch (err) {
    if (route === 'GET /user/tokens/verify' && err instanceof ApiFailure && err.errors[0]?.code === 10000) {
      throw fail(401, 1000, 'Invalid API Token');
    }
    throw err;
  }
}

function injected(fault: Extract<FaultAction, { kind: 'status' }>): Reply {
  if (fault.status === 429) {
    return {
      status: 429,
      body: failure([{ code: 971, message: 'Please wait and consider throttling your request speed' }]),
      headers: { 'retry-after': String(fault.retryAfterSeconds) },
    };
  }
  return { status: fault.status, body: failure([{ code: 10001, message: 'emulator: injected fault' }]) };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw fail(400, 6007, 'Malformed JSON in request body');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
