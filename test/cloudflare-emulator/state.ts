// The emulator's in-memory world: accounts, zones, credentials, tunnels, configurations, records.
import { Rng } from './rng.js';

export type PlanName = 'free' | 'pro' | 'business' | 'enterprise';

export interface AccountState {
  id: string;
  name: string;
}

export interface ZoneState {
  id: string;
  name: string;
  accountId: string;
  plan: PlanName;
  createdOn: string;
}

/** Which accounts a credential may act on ('*': all). */
export type Grant = string[] | '*';

/**
 * Permission groups of an API token, as the operator needs them: Account · Cloudflare Tunnel · Edit, Zone · DNS ·
 * Edit / Read, Zone · Zone · Read, Account · Account Settings · Read.
 */
export type Permission = 'tunnel:edit' | 'dns:edit' | 'dns:read' | 'zone:read' | 'account-settings:read';
export const ALL_PERMISSIONS: readonly Permission[] = [
  'tunnel:edit',
  'dns:edit',
  'dns:read',
  'zone:read',
  'account-settings:read',
];

export interface TokenState {
  token: string;
  accounts: Grant;
  permissions: readonly Permission[];
  /** Zone IDs the token's zone permissions cover ('*': every zone of its accounts). */
  zones: Grant;
  /** User-owned (the default) or account-owned: account-owned tokens cannot list accounts. */
  owner: 'user' | 'account';
  /** Client IP filtering that refuses this client (Cloudflare: 403, code 9109). */
  ipRestricted: boolean;
  /** The user who created the token: the rate limit is shared by all tokens of a user. */
  user: string;
}

export interface GlobalKeyState {
  email: string;
  key: string;
  accounts: Grant;
}

export interface ConnectorState {
  id: string;
  version: string;
  arch: string;
  runAt: string;
  conns: { id: string; colo: string; openedAt: string; originIp: string }[];
  /** The remote configuration version when it connected (cloudflared gets the latest one as it connects). */
  connectedAtVersion: number;
}

/** How the simulated connectors of a tunnel take up a newly pushed remote configuration. */
export interface ConfigPickup {
  /** How long after a PUT the connectors report its version. Default 0: at once. */
  delayMs: number;
  /** The connectors report no version above this one (a cloudflared that stays behind); unset: none. */
  holdAt: number | undefined;
}

export interface TunnelState {
  id: string;
  accountId: string;
  name: string;
  /** Base64, as sent in `tunnel_secret`. */
  secret: string;
  configSrc: 'local' | 'cloudflare';
  createdAt: string;
  deletedAt: string | undefined;
  connsActiveAt: string | undefined;
  connsInactiveAt: string | undefined;
  connectors: ConnectorState[];
  /** Simulated cloudflared replicas come back right after their connections are cleaned up. */
  reconnectOnCleanup: number;
  config: { version: number; config: Record<string, unknown> | null; updatedAt: string };
  /** Every version PUT, with when (emulator clock, ms): what the connectors pick up after `pickup.delayMs`. */
  configHistory: { version: number; at: number }[];
  pickup: ConfigPickup;
}

export interface RecordState {
  id: string;
  zoneId: string;
  name: string;
  type: string;
  content: string;
  proxied: boolean;
  ttl: number;
  comment: string | undefined;
  tags: string[];
  createdOn: string;
  modifiedOn: string;
}

export interface SeedInput {
  accounts?: { id?: string; name: string }[];
  zones?: { id?: string; name: string; accountId: string; plan?: PlanName }[];
  tokens?: {
    token: string;
    accounts?: Grant;
    permissions?: Permission[];
    zones?: Grant;
    owner?: 'user' | 'account';
    ipRestricted?: boolean;
    /** Default: the seed's global key user (`ops@example.com`), so tokens share one limit unless told. */
    user?: string;
  }[];
  globalKeys?: { email: string; key: string; accounts?: Grant }[];
  records?: {
    zoneId: string;
    name: string;
    type: string;
    content: string;
    proxied?: boolean;
    ttl?: number;
    comment?: string;
  }[];
}

export interface SeedResult {
  accounts: AccountState[];
  zones: ZoneState[];
  records: RecordState[];
}

export class EmulatorState {
  accounts = new Map<string, AccountState>();
  zones = new Map<string, ZoneState>();
  tokens = new Map<string, TokenState>();
  globalKeys = new Map<string, GlobalKeyState>();
  tunnels = new Map<string, TunnelState>();
  /** Records per zone, in creation order. */
  records = new Map<string, RecordState[]>();

  constructor(
    readonly rng: Rng,
    readonly now: () => Date,
  ) {}

  timestamp(): string {
    return this.now().toISOString();
  }

  zoneRecords(zoneId: string): RecordState[] {
    let list = this.records.get(zoneId);
    if (!list) {
      list = [];
      this.records.set(zoneId, list);
    }
    return list;
  }

  seed(input: SeedInput): SeedResult {
    const result: SeedResult = { accounts: [], zones: [], records: [] };
    for (const a of input.accounts ?? []) result.accounts.push(this.addAccount(a));
    for (const z of input.zones ?? []) result.zones.push(this.addZone(z));
    for (const t of input.tokens ?? []) this.addToken(t);
    for (const k of input.globalKeys ?? []) {
      this.globalKeys.set(`${k.email}\0${k.key}`, { email: k.email, key: k.key, accounts: k.accounts ?? '*' });
    }
    for (const r of input.records ?? []) result.records.push(this.addRecord(r));
    return result;
  }

  private addToken(t: NonNullable<SeedInput['tokens']>[number]): void {
    this.tokens.set(t.token, {
      token: t.token,
      accounts: t.accounts ?? '*',
      permissions: t.permissions ?? ALL_PERMISSIONS,
      zones: t.zones ?? '*',
      owner: t.owner ?? 'user',
      ipRestricted: t.ipRestricted ?? false,
      user: t.user ?? DEFAULT_GLOBAL_KEY.email,
    });
  }

  private addAccount(a: NonNullable<SeedInput['accounts']>[number]): AccountState {
    const account = { id: a.id ?? this.rng.hex(32), name: a.name };
    this.accounts.set(account.id, account);
    return account;
  }

  private addZone(z: NonNullable<SeedInput['zones']>[number]): ZoneState {
    const zone: ZoneState = {
      id: z.id ?? this.rng.hex(32),
      name: z.name.toLowerCase(),
      accountId: z.accountId,
      plan: z.plan ?? 'free',
      createdOn: this.timestamp(),
    };
    this.zones.set(zone.id, zone);
    this.zoneRecords(zone.id);
    return zone;
  }

  /** Seeded records skip validation on purpose: tests may need states the API would refuse. */
  private addRecord(r: NonNullable<SeedInput['records']>[number]): RecordState {
    const now = this.timestamp();
    const record: RecordState = {
      id: this.rng.hex(32),
      zoneId: r.zoneId,
      name: r.name.toLowerCase(),
      type: r.type,
      content: r.content,
      proxied: r.proxied ?? false,
      ttl: r.proxied ? 1 : (r.ttl ?? 1),
      comment: r.comment,
      tags: [],
      createdOn: now,
      modifiedOn: now,
    };
    this.zoneRecords(r.zoneId).push(record);
    return record;
  }

  clear(): void {
    this.accounts.clear();
    this.zones.clear();
    this.tokens.clear();
    this.globalKeys.clear();
    this.tunnels.clear();
    this.records.clear();
  }

  snapshot(): StateSnapshot {
    return structuredClone({
      accounts: [...this.accounts.values()],
      zones: [...this.zones.values()],
      tunnels: [...this.tunnels.values()].map(({ secret: _secret, ...rest }) => rest),
      records: [...this.records.values()].flat(),
    });
  }
}

export interface StateSnapshot {
  accounts: AccountState[];
  zones: ZoneState[];
  tunnels: Omit<TunnelState, 'secret'>[];
  records: RecordState[];
}

/** The world `npm run cloudflare:emulator` and tests start from unless told otherwise. */
export const DEFAULT_ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
export const DEFAULT_TOKEN = 'emulator-api-token';
export const DEFAULT_GLOBAL_KEY = { email: 'ops@example.com', key: 'emulator-global-api-key' };

export const DEFAULT_SEED: SeedInput = {
  accounts: [{ id: DEFAULT_ACCOUNT_ID, name: 'Emulated Account' }],
  zones: [
    { id: 'f0000000000000000000000000000001', name: 'example.com', accountId: DEFAULT_ACCOUNT_ID, plan: 'free' },
    { id: 'f0000000000000000000000000000002', name: 'example.org', accountId: DEFAULT_ACCOUNT_ID, plan: 'pro' },
  ],
  tokens: [{ token: DEFAULT_TOKEN, accounts: '*' }],
  globalKeys: [{ ...DEFAULT_GLOBAL_KEY, accounts: '*' }],
};
