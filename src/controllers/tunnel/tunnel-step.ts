// Obtains the Cloudflare tunnel: verify the recorded one, adopt by ID, recover after a crash, or create; or refuse
// a spec that asks for another tunnel than the one on record. A created tunnel's secret reaches the credentials
// Secret before the create call and its ID right after it.
import type { V1Secret } from '@kubernetes/client-node';
import { ConditionType, Reason } from '../../api/conditions.js';
import { desiredTunnelName, withDefaults } from '../../api/defaults.js';
import type { TunnelLike } from '../../api/types.js';
import { isCloudflareApiError, type CloudflareApiError, type CloudflareGateway } from '../../cloudflare/index.js';
import { decodeTunnelToken, type RenderContext, type TunnelCredentials } from '../../render/index.js';
import type { ResourceClient } from '../../runtime/kube-client.js';
import { applyIfChanged } from '../shared/apply.js';
import { SECRET } from '../shared/resources.js';
import { failed, ok } from './conditions.js';
import { Report, StepFailure } from './report.js';
import { readStoredTunnel, storedTunnelSecret, type PendingTunnel, type StoredTunnel } from './stored-tunnel.js';
import { describeRecorded, type RecordedTunnel } from './tunnel-identity.js';
import { planTunnel, recoverPending, verifyOutcome } from './tunnel-plan.js';

export interface TunnelStepInput {
  client: ResourceClient;
  gateway: CloudflareGateway;
  newSecret: () => string;
  tunnel: TunnelLike;
  accountId: string;
  /** The credentials Secret as read at the start of the reconcile. */
  secret: V1Secret | undefined;
  ctx: RenderContext;
  report: Report;
}

export interface ObtainedTunnel {
  credentials: TunnelCredentials;
  created: boolean;
  name: string;
  /** The credentials Secret as it is now (written here, or as read). */
  secret: V1Secret | undefined;
}

export async function obtainTunnel(input: TunnelStepInput): Promise<ObtainedTunnel> {
  const { tunnel, accountId, gateway, report } = input;
  const wanted = { accountId, source: withDefaults(tunnel.spec).tunnel, name: desiredTunnelName(tunnel) };
  const step = planTunnel(wanted, readStoredTunnel(input.secret), tunnel.status);
  switch (step.kind) {
    case 'refuse':
      throw identityChanged(input, step.recorded, step.changes);
    case 'verify': {
      const found = await gateway.getTunnel(accountId, step.credentials.tunnelId);
      const verdict = verifyOutcome(step, found);
      if (verdict === 'ok' && found) {
        report.set(ok(ConditionType.TunnelReady, step.created ? Reason.TunnelCreated : Reason.TunnelAdopted));
        return { credentials: step.credentials, created: step.created, name: found.name, secret: input.secret };
      }
      if (verdict === 'missing') throw notFound(report, step.credentials.tunnelId);
      return recreate(input, step.credentials.tunnelId);
    }
    case 'fetch':
      return fetchRecorded(input, step.tunnelId, step.created);
    case 'recover':
      return recover(input, step.pending);
    case 'create':
      return create(input, step.name);
  }
}

/** The spec asks for another tunnel than the one on record: change nothing, say what differs and what to do. */
function identityChanged(input: TunnelStepInput, recorded: RecordedTunnel, changes: string[]): StepFailure {
  const message =
    `${describeRecorded(recorded)} is on record, but ${changes.join('; ')}. Nothing is changed on Cloudflare ` +
    `for this object: delete and recreate the ${input.tunnel.kind} to use another account or tunnel (deleting it ` +
    `removes what it created)`;
  input.report.set(failed(ConditionType.TunnelReady, Reason.TunnelIdentityChanged, message));
  input.report.warning(Reason.TunnelIdentityChanged, 'VerifyTunnel', message);
  return new StepFailure(message, 'terminal');
}

/** A tunnel we created was deleted behind our back: create it again under the spec's name. */
function recreate(input: TunnelStepInput, tunnelId: string): Promise<ObtainedTunnel> {
  const name = desiredTunnelName(input.tunnel) ?? '';
  input.report.warning('TunnelRecreated', 'CreateTunnel', `tunnel ${tunnelId} is gone; creating "${name}" again`);
  return create(input, name);
}

function notFound(report: Report, tunnelId: string): StepFailure {
  const message = `tunnel ${tunnelId} does not exist in the account`;
  report.set(failed(ConditionType.TunnelReady, Reason.TunnelNotFound, message));
  report.warning(Reason.TunnelNotFound, 'GetTunnel', message);
  return new StepFailure(message, 'backoff');
}

/**
 * Stores the credentials of a tunnel known by ID: one to adopt, or the one status names after the Secret was lost
 * (read back through the token endpoint). A created one that is gone is created again; an adopted one reported.
 */
async function fetchRecorded(input: TunnelStepInput, tunnelId: string, created: boolean): Promise<ObtainedTunnel> {
  const { gateway, accountId, report } = input;
  const found = await gateway.getTunnel(accountId, tunnelId);
  const verdict = verifyOutcome({ created }, found);
  if (verdict === 'recreate') return recreate(input, tunnelId);
  if (verdict === 'missing' || !found) throw notFound(report, tunnelId);
  const credentials = decodeTunnelToken(await gateway.getTunnelToken(accountId, tunnelId));
  const secret = await store(input, { state: 'ready', credentials, created });
  if (created) {
    report.set(ok(ConditionType.TunnelReady, Reason.TunnelCreated, `tunnel ${found.name} restored`));
    report.normal('TunnelRestored', 'RestoreTunnel', `credentials of tunnel ${found.name} (${tunnelId}) restored`);
  } else {
    report.set(ok(ConditionType.TunnelReady, Reason.TunnelAdopted, `adopted tunnel ${found.name}`));
    report.normal(Reason.TunnelAdopted, 'AdoptTunnel', `adopted tunnel ${found.name} (${tunnelId})`);
  }
  return { credentials, created, name: found.name, secret };
}

/**
 * Finds the tunnel a pending secret was (maybe) created with: after a crash, or after a create whose answer was
 * lost (Cloudflare committed it, then answered 5xx or timed out, and the retry was refused as a name conflict).
 * `afterConflict`: the name was just refused, so a missing tunnel is not created again in this pass.
 */
async function recover(
  input: TunnelStepInput,
  pending: PendingTunnel,
  afterConflict?: CloudflareApiError,
): Promise<ObtainedTunnel> {
  const { gateway, accountId, report } = input;
  const found = await gateway.findTunnelByName(accountId, pending.name);
  const foundSecret = found
    ? decodeTunnelToken(await gateway.getTunnelToken(accountId, found.id)).tunnelSecret
    : undefined;
  const verdict = recoverPending(pending, found, foundSecret);
  if (verdict === 'create') {
    // Refused by name yet not found by it: the list lags the create; look again on the next pass (backoff).
    if (afterConflict !== undefined) throw afterConflict;
    return createWith(input, pending);
  }
  if (verdict === 'conflict' || !found) throw nameConflict(report, pending.name, afterConflict);
  const credentials = { accountTag: accountId, tunnelId: found.id, tunnelSecret: pending.secret };
  const secret = await store(input, { state: 'ready', credentials, created: true });
  report.set(ok(ConditionType.TunnelReady, Reason.TunnelCreated, `tunnel ${found.name} recovered`));
  report.normal('TunnelRecovered', 'CreateTunnel', `found tunnel ${found.name} (${found.id}) created before a restart`);
  return { credentials, created: true, name: found.name, secret };
}

async function create(input: TunnelStepInput, name: string): Promise<ObtainedTunnel> {
  const pending: PendingTunnel = { name, accountTag: input.accountId, secret: input.newSecret() };
  await store(input, { state: 'pending', pending });
  return createWith(input, pending);
}

async function createWith(input: TunnelStepInput, pending: PendingTunnel): Promise<ObtainedTunnel> {
  const { gateway, accountId, report, tunnel } = input;
  const configSource = withDefaults(tunnel.spec).configSource;
  let made;
  try {
    made = await gateway.createTunnel({ accountId, name: pending.name, configSource, secret: pending.secret });
  } catch (err: unknown) {
    // The name is taken: possibly by this very tunnel, if an earlier attempt was committed but its answer lost.
    if (isCloudflareApiError(err) && err.kind === 'conflict') return recover(input, pending, err);
    if (isCloudflareApiError(err) && (err.kind === 'invalid' || err.kind === 'notFound')) {
      report.set(failed(ConditionType.TunnelReady, Reason.TunnelCreateFailed, err.message));
      report.warning(Reason.TunnelCreateFailed, 'CreateTunnel', err.message);
    }
    throw err;
  }
  const credentials = { accountTag: accountId, tunnelId: made.tunnel.id, tunnelSecret: made.secret };
  const secret = await store(input, { state: 'ready', credentials, created: true });
  report.set(ok(ConditionType.TunnelReady, Reason.TunnelCreated, `created tunnel ${made.tunnel.name}`));
  report.normal(Reason.TunnelCreated, 'CreateTunnel', `created tunnel ${made.tunnel.name} (${made.tunnel.id})`);
  return { credentials, created: true, name: made.tunnel.name, secret };
}

function nameConflict(report: Report, name: string, cause?: unknown): StepFailure {
  const message = `a tunnel named "${name}" already exists and is not this object's: rename it or adopt it by ID`;
  report.set(failed(ConditionType.TunnelReady, Reason.TunnelNameConflict, message));
  report.warning(Reason.TunnelNameConflict, 'CreateTunnel', message);
  return new StepFailure(message, 'terminal', { cause });
}

/** Writes the credentials Secret now: nothing else may happen before this state is durable. */
async function store(
  input: TunnelStepInput,
  stored: Exclude<StoredTunnel, { state: 'none' }>,
): Promise<V1Secret | undefined> {
  const mode = withDefaults(input.tunnel.spec).configSource;
  const desired = storedTunnelSecret(input.tunnel, stored, mode, input.ctx);
  const applied = await applyIfChanged(input.client, SECRET, desired, input.secret);
  return applied.object;
}
