// An in-memory stand-in for the API server behind KubeTransport, for unit tests of code that reads and writes
// objects: GET, POST, PUT (compare-and-swap on resourceVersion) and JSON-patch PATCH (and a rough server-side apply) with the server's rules
// that matter to us (a failed `test` is 422, a stale resourceVersion is 409, /status writes only status,
// resourceVersion bumps on every write; DELETE removes at once, no finalizers). Faults can be injected per request.
import { ApiException } from '@kubernetes/client-node';
import type { KubeRequest, KubeTransport } from '../kube-client.js';

type Json = unknown;
type Obj = Record<string, Json>;

function fail(code: number, message: string): ApiException<Obj> {
  return new ApiException(code, message, { kind: 'Status', code, message }, {});
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

type Op = { op: string; path: string; value?: Json };

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Walks to the parent of the path's last token. */
function parentOf(doc: Obj, path: string): { parent: Obj | Json[]; last: string } {
  const tokens = path.split('/').slice(1).map(unescape);
  const last = tokens.pop();
  let parent: Json = doc;
  for (const token of tokens)
    parent = typeof parent === 'object' && parent !== null ? (parent as Obj)[token] : undefined;
  if (last === undefined || typeof parent !== 'object' || parent === null) throw fail(422, `path ${path} not found`);
  return { parent: parent as Obj | Json[], last };
}

function applyToArray(list: Json[], last: string, op: Op): void {
  const index = last === '-' ? list.length : Number(last);
  if (op.op === 'test' && !same(list[index], op.value)) throw fail(422, 'test failed');
  if (op.op === 'add') list.splice(index, 0, op.value);
  if (op.op === 'replace') list[index] = op.value;
  if (op.op === 'remove') list.splice(index, 1);
}

function applyToObject(target: Obj, last: string, op: Op): void {
  if (op.op === 'test' && !same(target[last], op.value)) throw fail(422, `testing value ${op.path} failed`);
  if ((op.op === 'replace' || op.op === 'remove') && !(last in target)) throw fail(422, `path ${op.path} missing`);
  if (op.op === 'add' || op.op === 'replace') target[last] = op.value;
  if (op.op === 'remove') delete target[last];
}

/** Applies one JSON-patch operation to `doc` in place (objects and arrays only, as we use them). */
function applyOp(doc: Obj, op: Op): void {
  const { parent, last } = parentOf(doc, op.path);
  if (Array.isArray(parent)) applyToArray(parent, last, op);
  else applyToObject(parent, last, op);
}

export interface Fault {
  match: (req: KubeRequest) => boolean;
  code: number;
  times: number;
}

export class FakeKube implements KubeTransport {
  readonly objects = new Map<string, Obj>();
  readonly requests: KubeRequest[] = [];
  private faults: Fault[] = [];
  private version = 100;
  /** Runs before each PATCH is applied: simulates someone else writing in between. */
  beforePatch: ((path: string) => void) | undefined;

  /** Stores an object at its path (e.g. `/apis/g/v1/namespaces/ns/things/a`). */
  put(path: string, object: Obj): Obj {
    const stored = structuredClone(object);
    const metadata = (stored.metadata ?? {}) as Obj;
    metadata.resourceVersion = String(++this.version);
    stored.metadata = metadata;
    this.objects.set(path, stored);
    return structuredClone(stored);
  }

  get(path: string): Obj | undefined {
    const object = this.objects.get(path);
    return object && structuredClone(object);
  }

  inject(fault: Fault): void {
    this.faults.push(fault);
  }

  request(req: KubeRequest): Promise<unknown> {
    this.requests.push(structuredClone({ ...req, signal: undefined }));
    try {
      const fault = this.faults.find((f) => f.times > 0 && f.match(req));
      if (fault) {
        fault.times--;
        throw fail(fault.code, 'injected fault');
      }
      return Promise.resolve(this.handle(req));
    } catch (err: unknown) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private handle(req: KubeRequest): Json {
    const subresource = req.path.endsWith('/status') ? 'status' : undefined;
    const path = subresource ? req.path.slice(0, -'/status'.length) : req.path;
    switch (req.method) {
      case 'GET':
        return this.mustGet(path);
      case 'POST': {
        const body = structuredClone(req.body) as Obj;
        const name = ((body.metadata ?? {}) as Obj).name as string;
        if (this.objects.has(`${path}/${name}`)) throw fail(409, 'already exists');
        return this.put(`${path}/${name}`, body);
      }
      case 'PUT': {
        const body = structuredClone(req.body) as Obj;
        const current = this.mustGet(path);
        const rv = (body.metadata as Obj | undefined)?.resourceVersion;
        if (rv !== (current.metadata as Obj).resourceVersion) throw fail(409, 'the object has been modified');
        return this.put(path, body);
      }
      case 'PATCH':
        return this.patch(path, subresource, req);
      case 'DELETE':
        this.mustGet(path);
        this.objects.delete(path);
        return { kind: 'Status', status: 'Success' };
      default:
        throw fail(405, `method ${req.method}`);
    }
  }

  private mustGet(path: string): Obj {
    const object = this.objects.get(path);
    if (!object) throw fail(404, `${path} not found`);
    return structuredClone(object);
  }

  private patch(path: string, subresource: string | undefined, req: KubeRequest): Json {
    if (req.contentType === 'application/apply-patch+yaml' && !subresource) return this.apply(path, req.body as Obj);
    if (req.contentType !== 'application/json-patch+json') throw fail(415, `unsupported ${req.contentType}`);
    this.beforePatch?.(path);
    const current = this.mustGet(path);
    const next = structuredClone(current);
    for (const op of req.body as Op[]) applyOp(next, op);
    const result = subresource === 'status' ? { ...current, status: next.status } : { ...next, status: current.status };
    return this.put(path, result);
  }

  /**
   * Server-side apply, roughly: creates the object, or replaces the top-level fields the applied object names
   * (metadata merged key by key). No field ownership: enough for a single field manager.
   */
  private apply(path: string, body: Obj): Json {
    const current = this.objects.get(path);
    if (!current) return this.put(path, body);
    const metadata = { ...(current.metadata as Obj), ...(body.metadata as Obj) };
    return this.put(path, { ...current, ...structuredClone(body), metadata });
  }
}
