// The Cloudflare v4 routes the emulator serves (under /client/v4).
import { getAccount, getZone, listAccounts, listZones } from './handlers/accounts.js';
import type { Handler } from './handlers/common.js';
import { getConfiguration, putConfiguration } from './handlers/configurations.js';
import { batchRecords } from './handlers/dns-batch.js';
import { createRecord, deleteRecord, getRecord, listRecords, patchRecord, putRecord } from './handlers/dns.js';
import {
  cleanupConnections,
  createTunnel,
  deleteTunnel,
  getToken,
  getTunnel,
  listConnections,
  listTunnels,
} from './handlers/tunnels.js';
import { verifyToken } from './handlers/user.js';
import { Router } from './router.js';
import type { Permission } from './state.js';

export const API_PREFIX = '/client/v4';

export function apiRouter(): Router<Handler> {
  const tunnel = '/accounts/:account_id/cfd_tunnel/:tunnel_id';
  const records = '/zones/:zone_id/dns_records';
  return new Router<Handler>()
    .add('GET', '/user/tokens/verify', verifyToken)
    .add('GET', '/accounts', listAccounts)
    .add('GET', '/accounts/:account_id', getAccount)
    .add('GET', '/zones', listZones)
    .add('GET', '/zones/:zone_id', getZone)
    .add('GET', '/accounts/:account_id/cfd_tunnel', listTunnels)
    .add('POST', '/accounts/:account_id/cfd_tunnel', createTunnel)
    .add('GET', tunnel, getTunnel)
    .add('DELETE', tunnel, deleteTunnel)
    .add('GET', `${tunnel}/connections`, listConnections)
    .add('DELETE', `${tunnel}/connections`, cleanupConnections)
    .add('GET', `${tunnel}/token`, getToken)
    .add('GET', `${tunnel}/configurations`, getConfiguration)
    .add('PUT', `${tunnel}/configurations`, putConfiguration)
    .add('GET', records, listRecords)
    .add('POST', records, createRecord)
    .add('POST', `${records}/batch`, batchRecords)
    .add('GET', `${records}/:record_id`, getRecord)
    .add('PUT', `${records}/:record_id`, putRecord)
    .add('PATCH', `${records}/:record_id`, patchRecord)
    .add('DELETE', `${records}/:record_id`, deleteRecord);
}

const ZONE_READ: Permission[] = ['zone:read', 'dns:read', 'dns:edit'];
const DNS_READ: Permission[] = ['dns:read', 'dns:edit'];
const DNS_EDIT: Permission[] = ['dns:edit'];
const TUNNEL: Permission[] = ['tunnel:edit'];

/**
 * The permission groups a route needs (any one of them). Routes absent here need none beyond access to the
 * account (`GET /accounts/:id`) or a valid token (`/user/tokens/verify`). Tunnel routes are all Cloudflare
 * Tunnel Edit (the operator's token has no read-only tunnel group); zone reads accept any zone permission.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  'GET /accounts': ['account-settings:read'],
  'GET /zones': ZONE_READ,
  'GET /zones/:zone_id': ZONE_READ,
  'GET /zones/:zone_id/dns_records': DNS_READ,
  'GET /zones/:zone_id/dns_records/:record_id': DNS_READ,
  'POST /zones/:zone_id/dns_records': DNS_EDIT,
  'POST /zones/:zone_id/dns_records/batch': DNS_EDIT,
  'PUT /zones/:zone_id/dns_records/:record_id': DNS_EDIT,
  'PATCH /zones/:zone_id/dns_records/:record_id': DNS_EDIT,
  'DELETE /zones/:zone_id/dns_records/:record_id': DNS_EDIT,
  ...Object.fromEntries(
    [
      'GET /accounts/:account_id/cfd_tunnel',
      'POST /accounts/:account_id/cfd_tunnel',
      'GET /accounts/:account_id/cfd_tunnel/:tunnel_id',
      'DELETE /accounts/:account_id/cfd_tunnel/:tunnel_id',
      'GET /accounts/:account_id/cfd_tunnel/:tunnel_id/connections',
      'DELETE /accounts/:account_id/cfd_tunnel/:tunnel_id/connections',
      'GET /accounts/:account_id/cfd_tunnel/:tunnel_id/token',
      'GET /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations',
      'PUT /accounts/:account_id/cfd_tunnel/:tunnel_id/configurations',
    ].map((route) => [route, TUNNEL]),
  ),
};
