// An in-memory Cloudflare behind the CloudflareGateway interface, for unit tests of the controllers: accounts,
// zones, tunnels (deleted ones stay visible with deletedAt, as on Cloudflare), their tokens, remote
// configurations and connectors, and DNS records. Every call is logged in order; a test can make a method fail,
// fail after it took effect (an answer lost), or run a hook when it is called (to see what was stored by then).
import { encodeTunnelToken } from '../../render/credentials-secret.js';
import type { AccountRef } from '../accounts.js';
import type { BatchResult, DnsOperation } from '../batch.js';
import { batchOperations } from '../batch.js';
import { CloudflareApiError, type ErrorKind } from '../errors.js';
import type { CloudflareGateway } from '../gateway.js';
import type { CreateTunnelInput, DeleteOutcome } from '../tunnels.js';
import type {
  Account,
  CloudflareTunnel,
  CreatedTunnel,
  DnsBatch,
  DnsRecord,
  DnsRecordFilter,
  TunnelConfiguration,
  TunnelConnectors,
  VersionedTunnelConfiguration,
  Zone,
} from '../types.js';

export type GatewayMethod = keyof CloudflareGateway;

export const GATEWAY_METHODS: readonly GatewayMethod[] = [
  'resolveAccount',
  'findZoneByName',
  'createTunnel',
  'getTunnel',
  'findTunnelByName',
  'deleteTunnel',
  'getTunnelToken',
  'getConnectors',
  'getTunnelConfiguration',
  'putTunnelConfiguration',
  'listDnsRecords',
  'applyDnsBatch',
];

/** A CloudflareApiError as the gateway would raise it. */
export function apiError(kind: ErrorKind, operation = 'fake', code?: number): CloudflareApiError {
  const status = { auth: 403, notFound: 404, conflict: 409, rateLimited: 429, transient: 502, invalid: 400 }[kind];
  return new CloudflareApiError({
    kind,
    operation,
    status,
    codes: code === undefined ? [] : [{ code, message: `${kind} ${code}` }],
    retryAfterMs: undefined,
    cause: undefined,
  });
}

interface StoredTunnel {
  tunnel: CloudflareTunnel;
  secret: string;
}

/** How the fake answers one DNS operation of a batch: refused, or done with its answer lost (reported refused). */
export type DnsFault = { error: CloudflareApiError; applied: boolean };

interface Fault {
  error: Error;
  /** The call takes effect before it fails. */
  afterCommit: boolean;
}

export class FakeCloudflare implements CloudflareGateway {
  /** Every call, in order: the method and its main arguments. */
  readonly calls: string[] = [];
  readonly accounts: Account[] = [];
  readonly zones: Zone[] = [];
  readonly tunnels: StoredTunnel[] = [];
  /** The records of each zone, by zone ID. */
  readonly records = new Map<string, DnsRecord[]>();
  readonly configurations = new Map<string, VersionedTunnelConfiguration>();
  readonly connectors = new Map<string, TunnelConnectors>();
  private readonly faults = new Map<GatewayMethod, Fault[]>();
  private readonly hooks: { method: GatewayMethod; hook: () => void }[] = [];
  private nextId = 1;
  /** Decides per DNS operation whether the batch refuses it (default: every operation succeeds). */
  dnsFault: (op: DnsOperation) => DnsFault | undefined = () => undefined;

  /** The next call of `method` fails with `error`; with `afterCommit`, after it took effect. */
  fail(method: GatewayMethod, error: Error, options: { afterCommit?: boolean } = {}): this {
    const list = this.faults.get(method) ?? [];
    list.push({ error, afterCommit: options.afterCommit ?? false });
    this.faults.set(method, list);
    return this;
  }

  /** Runs `hook` whenever `method` is called, before it does anything (after the hooks added before it). */
  onCall(method: GatewayMethod, hook: () => void): this {
    this.hooks.push({ method, hook });
    return this;
  }

  constructor() {
    // Own, bound methods, as the real gateway's: code that spreads a gateway (`{ ...gateway, … }`) keeps them.
    for (const method of GATEWAY_METHODS) Object.assign(this, { [method]: this[method].bind(this) });
  }

  addZone(zone: Partial<Zone> & Pick<Zone, 'id' | 'name'>): Zone {
    const full: Zone = { accountId: undefined, status: 'active', plan: 'free', ...zone };
    this.zones.push(full);
    if (!this.records.has(full.id)) this.records.set(full.id, []);
    return full;
  }

  /** A live tunnel, as if created earlier (by us or anyone). */
  addTunnel(
    tunnel: Partial<CloudflareTunnel> & Pick<CloudflareTunnel, 'accountTag' | 'name'>,
    secret: string,
  ): CloudflareTunnel {
    const full: CloudflareTunnel = {
      id: this.newTunnelId(),
      configSource: 'local',
      status: undefined,
      createdAt: undefined,
      deletedAt: undefined,
      ...tunnel,
    };
    this.tunnels.push({ tunnel: full, secret });
    return full;
  }

  addRecord(zoneId: string, record: Partial<DnsRecord> & Pick<DnsRecord, 'name' | 'content'>): DnsRecord {
    const full: DnsRecord = {
      id: `r${this.nextId++}`,
      type: 'CNAME',
      proxied: true,
      ttl: 1,
      comment: undefined,
      ...record,
    };
    this.zoneRecords(zoneId).push(full);
    return full;
  }

  /** The tunnel with this ID, deleted or not. */
  tunnel(id: string): CloudflareTunnel | undefined {
    return this.tunnels.find((t) => t.tunnel.id === id)?.tunnel;
  }

  liveTunnels(): CloudflareTunnel[] {
    return this.tunnels.filter((t) => !t.tunnel.deletedAt).map((t) => t.tunnel);
  }

  resolveAccount(ref: AccountRef): Promise<Account> {
    return this.run('resolveAccount', `${ref.id ?? ''} ${ref.name ?? ''}`.trim(), () => {
      const found = this.accounts.find((a) => (ref.id ? a.id === ref.id : a.name === ref.name));
      if (!found) throw apiError('notFound', 'accounts.get');
      return found;
    });
  }

  findZoneByName(name: string, accountId?: string): Promise<Zone | undefined> {
    return this.run('findZoneByName', `${name} ${accountId ?? ''}`.trim(), () =>
      this.zones.find((z) => z.name === name && (accountId === undefined || z.accountId === accountId)),
    );
  }

  createTunnel(input: CreateTunnelInput): Promise<CreatedTunnel> {
    return this.run('createTunnel', `${input.accountId} ${input.name}`, () => {
      if (this.live(input.accountId).some((t) => t.tunnel.name === input.name)) {
        throw apiError('conflict', 'tunnels.create', 1013);
      }
      const secret = input.secret ?? Buffer.alloc(32, this.nextId).toString('base64');
      const tunnel = this.addTunnel(
        { accountTag: input.accountId, name: input.name, configSource: input.configSource },
        secret,
      );
      return { tunnel: { ...tunnel }, secret };
    });
  }

  getTunnel(accountId: string, tunnelId: string): Promise<CloudflareTunnel | undefined> {
    return this.run('getTunnel', `${accountId} ${tunnelId}`, () => {
      const found = this.inAccount(accountId).find((t) => t.tunnel.id === tunnelId);
      return found && { ...found.tunnel };
    });
  }

  findTunnelByName(accountId: string, name: string): Promise<CloudflareTunnel | undefined> {
    return this.run('findTunnelByName', `${accountId} ${name}`, () => {
      const found = this.live(accountId).find((t) => t.tunnel.name === name);
      return found && { ...found.tunnel };
    });
  }

  deleteTunnel(accountId: string, tunnelId: string): Promise<DeleteOutcome> {
    return this.run('deleteTunnel', `${accountId} ${tunnelId}`, () => {
      const found = this.live(accountId).find((t) => t.tunnel.id === tunnelId);
      if (!found) return 'alreadyGone';
      found.tunnel.deletedAt = '2026-01-01T00:00:00Z';
      return 'deleted';
    });
  }

  getTunnelToken(accountId: string, tunnelId: string): Promise<string> {
    return this.run('getTunnelToken', `${accountId} ${tunnelId}`, () => {
      const found = this.live(accountId).find((t) => t.tunnel.id === tunnelId);
      if (!found) throw apiError('notFound', 'tunnels.token.get');
      return encodeTunnelToken({ accountTag: accountId, tunnelId, tunnelSecret: found.secret });
    });
  }

  getConnectors(accountId: string, tunnelId: string): Promise<TunnelConnectors> {
    return this.run('getConnectors', `${accountId} ${tunnelId}`, () => {
      return this.connectors.get(tunnelId) ?? { count: 0, colos: [], versions: [], configVersion: undefined };
    });
  }

  getTunnelConfiguration(accountId: string, tunnelId: string): Promise<VersionedTunnelConfiguration> {
    return this.run('getTunnelConfiguration', `${accountId} ${tunnelId}`, () => {
      return structuredClone(this.configurations.get(tunnelId) ?? { version: 0, config: undefined });
    });
  }

  putTunnelConfiguration(
    accountId: string,
    tunnelId: string,
    config: TunnelConfiguration,
  ): Promise<VersionedTunnelConfiguration> {
    return this.run('putTunnelConfiguration', `${accountId} ${tunnelId}`, () => {
      const version = (this.configurations.get(tunnelId)?.version ?? 0) + 1;
      const stored = { version, config: structuredClone(config) };
      this.configurations.set(tunnelId, stored);
      return structuredClone(stored);
    });
  }

  listDnsRecords(zoneId: string, filter?: DnsRecordFilter): Promise<DnsRecord[]> {
    const shown = filter ? ` ${JSON.stringify(filter)}` : '';
    return this.run('listDnsRecords', `${zoneId}${shown}`, () =>
      this.zoneRecords(zoneId)
        .filter((r) => filter?.name === undefined || r.name === filter.name)
        .filter((r) => filter?.type === undefined || r.type === filter.type)
        .filter(
          (r) => filter?.commentStartsWith === undefined || (r.comment ?? '').startsWith(filter.commentStartsWith),
        )
        .map((r) => ({ ...r })),
    );
  }

  /** Applies every operation (no chunking, no refusals unless a fault says so). */
  applyDnsBatch(zone: Pick<Zone, 'id' | 'plan'>, batch: DnsBatch): Promise<BatchResult> {
    return this.run('applyDnsBatch', `${zone.id} ${describeBatch(batch)}`, () => {
      const result: BatchResult = { applied: 0, written: [], removed: [], failures: [], batches: 1, fallbacks: 0 };
      for (const op of batchOperations(batch)) this.applyOperation(zone.id, op, result);
      return result;
    });
  }

  private applyOperation(zoneId: string, op: DnsOperation, result: BatchResult): void {
    const fault = this.dnsFault(op);
    if (fault && !fault.applied) {
      result.failures.push({ operation: op, error: fault.error });
      return;
    }
    const done = { ...result, written: [], removed: [] } satisfies BatchResult;
    this.writeRecord(zoneId, op, fault ? done : result);
    if (fault) result.failures.push({ operation: op, error: fault.error });
  }

  private writeRecord(zoneId: string, op: DnsOperation, result: BatchResult): void {
    const records = this.zoneRecords(zoneId);
    if (op.kind === 'delete') {
      const at = records.findIndex((r) => r.id === op.id);
      if (at >= 0) records.splice(at, 1);
      result.removed.push(op.id);
    } else if (op.kind === 'post') {
      result.written.push(this.addRecord(zoneId, op.record));
    } else {
      const current = records.find((r) => r.id === op.record.id);
      if (!current) {
        result.failures.push({ operation: op, error: apiError('notFound', 'dns.records.edit', 81044) });
        return;
      }
      Object.assign(current, op.record);
      result.written.push({ ...current });
    }
    result.applied++;
  }

  private zoneRecords(zoneId: string): DnsRecord[] {
    let list = this.records.get(zoneId);
    if (!list) {
      list = [];
      this.records.set(zoneId, list);
    }
    return list;
  }

  private inAccount(accountId: string): StoredTunnel[] {
    return this.tunnels.filter((t) => t.tunnel.accountTag === accountId);
  }

  private live(accountId: string): StoredTunnel[] {
    return this.inAccount(accountId).filter((t) => !t.tunnel.deletedAt);
  }

  private newTunnelId(): string {
    return `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, '0')}`;
  }

  private async run<T>(method: GatewayMethod, args: string, body: () => T): Promise<T> {
    this.calls.push(`${method} ${args}`);
    for (const hook of this.hooks) if (hook.method === method) hook.hook();
    await Promise.resolve();
    const fault = this.faults.get(method)?.shift();
    if (fault && !fault.afterCommit) throw fault.error;
    const value = body();
    if (fault) throw fault.error;
    return value;
  }
}

function describeBatch(batch: DnsBatch): string {
  const parts = [
    ...batch.deletes.map((d) => `-${d.id}`),
    ...batch.patches.map((p) => `~${p.id}`),
    ...batch.puts.map((p) => `=${p.id}`),
    ...batch.posts.map((p) => `+${p.name}`),
  ];
  return parts.join(' ');
}
