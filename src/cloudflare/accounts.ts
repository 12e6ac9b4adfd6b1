// Accounts and zones.
import { gatewayError, listAllPages, type GatewayContext } from './context.js';
import { toZone } from './mappers.js';
import type { Account, Zone } from './types.js';
import { normalizeHostname } from './zones.js';

export interface AccountRef {
  id?: string;
  name?: string;
}

/** Resolves an account by ID (preferred) or by exact name (needs the Account Settings Read permission). */
export async function resolveAccount(ctx: GatewayContext, ref: AccountRef): Promise<Account> {
  if (ref.id) {
    const id = ref.id;
    const account = await ctx.call('accounts.get', { accountId: id }, (opts) =>
      ctx.sdk.accounts.get({ account_id: id }, opts),
    );
    return { id: account.id, name: account.name };
  }
  if (!ref.name) throw gatewayError('accounts.resolve', 'invalid', 'an account ID or name is required');
  const name = ref.name;
  const accounts = await listAllPages(ctx, 'accounts.list', {}, 50, (page, opts) =>
    ctx.sdk.accounts.list({ name, page, per_page: 50 }, opts),
  );
  const matches = accounts.filter((a) => a.name === name);
  if (matches.length === 0) throw gatewayError('accounts.resolve', 'notFound', `no account named "${name}" is visible`);
  if (matches.length > 1) throw gatewayError('accounts.resolve', 'invalid', `several accounts are named "${name}"`);
  const match = matches[0] as Account;
  return { id: match.id, name: match.name };
}

/** The zone with exactly this name (in this account, when given), or undefined. */
export async function findZoneByName(ctx: GatewayContext, name: string, accountId?: string): Promise<Zone | undefined> {
  const wanted = normalizeHostname(name);
  const zones = await listZonesWhere(ctx, { name: wanted, accountId });
  return zones.find((z) => normalizeHostname(z.name) === wanted);
}

async function listZonesWhere(
  ctx: GatewayContext,
  where: { name?: string; accountId?: string | undefined },
): Promise<Zone[]> {
  const zones = await listAllPages(ctx, 'zones.list', { accountId: where.accountId }, 50, (page, opts) =>
    ctx.sdk.zones.list(
      {
        page,
        per_page: 50,
        ...(where.name ? { name: where.name } : {}),
        ...(where.accountId ? { account: { id: where.accountId } } : {}),
      },
      opts,
    ),
  );
  return zones.map(toZone);
}
