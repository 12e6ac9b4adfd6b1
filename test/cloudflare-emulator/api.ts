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
import { Router } from './router.js';

export const API_PREFIX = '/client/v4';

export function apiRouter(): Router<Handler> {
  const tunnel = '/accounts/:account_id/cfd_tunnel/:tunnel_id';
  const records = '/zones/:zone_id/dns_records';
  return new Router<Handler>()
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
