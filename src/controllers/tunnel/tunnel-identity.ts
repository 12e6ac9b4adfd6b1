// Which tunnel an object has on record, and whether its spec still asks for that tunnel. Pure.
//
// The record is the credentials Secret (a tunnel's credentials, or the secret of a create in flight); when the
// Secret was lost, status still names the tunnel. What identifies the tunnel (the account, create vs adopt, the
// adopted ID, the name of a create in flight) is immutable at admission, but an object stored before those rules,
// or a CRD installed without them, can still ask for another tunnel. Following it would replace the record with
// another tunnel's and lose the one this object created (it would never be deleted): such a spec is refused.
import type { TunnelSource, TunnelStatus } from '../../api/types.js';
import type { StoredTunnel } from './stored-tunnel.js';

/** A tunnel known by its ID: one this object created, or adopted. */
export interface IdentifiedTunnel {
  kind: 'tunnel';
  accountId: string;
  tunnelId: string;
  created: boolean;
}

/** A create in flight: the tunnel of this name is ours if it was made with this secret. */
export interface PendingCreate {
  kind: 'pending';
  accountId: string;
  name: string;
  secret: string;
}

export type RecordedTunnel = IdentifiedTunnel | PendingCreate;

/** The tunnel the spec asks for: the resolved account, and the (defaulted) source with the name to create. */
export interface WantedTunnel {
  accountId: string;
  source: TunnelSource;
  /** The name a create uses (spec.tunnel.create.name or its default). */
  name: string | undefined;
}

/** The record in the credentials Secret, else the tunnel status names (the Secret was lost). */
export function recordedTunnel(stored: StoredTunnel, status: TunnelStatus | undefined): RecordedTunnel | undefined {
  if (stored.state === 'ready') {
    const { accountTag, tunnelId } = stored.credentials;
    return { kind: 'tunnel', accountId: accountTag, tunnelId, created: stored.created };
  }
  if (stored.state === 'pending') {
    const { accountTag, name, secret } = stored.pending;
    return { kind: 'pending', accountId: accountTag, name, secret };
  }
  return statusTunnel(status);
}

/** The tunnel status names, when it names one with its account. */
export function statusTunnel(status: TunnelStatus | undefined): IdentifiedTunnel | undefined {
  if (!status?.tunnelId || !status.accountId) return undefined;
  return { kind: 'tunnel', accountId: status.accountId, tunnelId: status.tunnelId, created: status.created === true };
}

/** "tunnel <id> (created|adopted) in account <id>", or the create in flight. */
export function describeRecorded(recorded: RecordedTunnel): string {
  if (recorded.kind === 'pending') {
    return `the tunnel "${recorded.name}" being created in account ${recorded.accountId}`;
  }
  const how = recorded.created ? 'created' : 'adopted';
  return `tunnel ${recorded.tunnelId} (${how} by this object) in account ${recorded.accountId}`;
}

/** How the spec departs from the record, one phrase per difference; empty when it asks for the recorded tunnel. */
export function identityChanges(wanted: WantedTunnel, recorded: RecordedTunnel | undefined): string[] {
  if (!recorded) return [];
  const changes: string[] = [];
  if (wanted.accountId !== recorded.accountId) {
    changes.push(`spec.cloudflare names account ${wanted.accountId}, not ${recorded.accountId}`);
  }
  const adopt = wanted.source.adopt?.id;
  if (recorded.kind === 'pending') {
    if (adopt !== undefined) changes.push(`spec.tunnel adopts tunnel ${adopt} instead of creating one`);
    else if (wanted.name !== recorded.name) changes.push(`spec.tunnel.create names "${wanted.name ?? ''}"`);
  } else if (recorded.created) {
    if (adopt !== undefined) changes.push(`spec.tunnel adopts tunnel ${adopt} instead`);
  } else if (adopt === undefined) {
    changes.push('spec.tunnel creates a tunnel instead');
  } else if (adopt !== recorded.tunnelId) {
    changes.push(`spec.tunnel.adopt.id is ${adopt}`);
  }
  return changes;
}
