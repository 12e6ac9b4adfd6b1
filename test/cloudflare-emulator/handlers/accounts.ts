// GET /accounts, GET /accounts/:account_id, GET /zones, GET /zones/:zone_id
import type { Account } from 'cloudflare/resources/accounts/accounts';
import type { Zone } from 'cloudflare/resources/zones/zones';
import { canUseAccount, canUseZone } from '../auth.js';
import { fail, paginate, success } from '../envelope.js';
import type { AccountState, EmulatorState, PlanName, ZoneState } from '../state.js';
import { accountOf, zoneOf, type Handler } from './common.js';

function wireAccount(account: AccountState): Account {
  return {
    id: account.id,
    name: account.name,
    type: 'standard',
    created_on: '2024-01-01T00:00:00Z',
    settings: { enforce_twofactor: false },
  };
}

const PLANS: Record<PlanName, { id: string; name: string; price: number }> = {
  free: { id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee', name: 'Free Website', price: 0 },
  pro: { id: '94f3b7b768b0458b56d2cac4fe5ec0f9', name: 'Pro Website', price: 20 },
  business: { id: 'a577b510288e82b26486fe4bb4e52fd1', name: 'Business Website', price: 200 },
  enterprise: { id: 'e592fd9519420ba7405e1307bff33214', name: 'Enterprise Website', price: 5000 },
};

export function wireZone(zone: ZoneState, state: EmulatorState): Zone {
  const plan = PLANS[zone.plan];
  return {
    id: zone.id,
    name: zone.name,
    status: 'active',
    paused: false,
    type: 'full',
    development_mode: 0,
    name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    created_on: zone.createdOn,
    modified_on: zone.createdOn,
    activated_on: zone.createdOn,
    meta: {},
    owner: { id: undefined, name: undefined, type: 'user' },
    account: { id: zone.accountId, name: state.accounts.get(zone.accountId)?.name },
    permissions: ['#dns_records:edit', '#dns_records:read', '#zone:read'],
    plan: {
      ...plan,
      currency: 'USD',
      frequency: zone.plan === 'free' ? '' : 'monthly',
      is_subscribed: zone.plan !== 'free',
      can_subscribe: false,
      legacy_id: zone.plan,
      legacy_discount: false,
      externally_managed: false,
    },
  };
}

export const listAccounts: Handler = (ctx) => {
  if (ctx.principal.owner === 'account') {
    throw fail(400, 1001, 'List accounts endpoint does not support account owned tokens');
  }
  const name = ctx.query.get('name')?.toLowerCase();
  const visible = [...ctx.state.accounts.values()]
    .filter((a) => canUseAccount(ctx.principal, a.id))
    .filter((a) => name === undefined || a.name.toLowerCase().includes(name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, info } = paginate(visible, ctx.query, { defaultPerPage: 20, minPerPage: 5, maxPerPage: 50 });
  return success(page.map(wireAccount), info);
};

export const getAccount: Handler = (ctx) => {
  const account = ctx.state.accounts.get(accountOf(ctx)) as AccountState;
  return success(wireAccount(account));
};

export const listZones: Handler = (ctx) => {
  const name = ctx.query.get('name')?.toLowerCase();
  const accountId = ctx.query.get('account.id');
  const zones = [...ctx.state.zones.values()]
    .filter((z) => canUseZone(ctx.principal, z))
    .filter((z) => name === undefined || z.name === name)
    .filter((z) => accountId === null || z.accountId === accountId)
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, info } = paginate(zones, ctx.query, { defaultPerPage: 20, minPerPage: 5, maxPerPage: 50 });
  return success(
    page.map((z) => wireZone(z, ctx.state)),
    info,
  );
};

export const getZone: Handler = (ctx) => success(wireZone(zoneOf(ctx), ctx.state));
