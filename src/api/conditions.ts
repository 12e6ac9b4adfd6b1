// Condition types and reasons on Tunnel/ClusterTunnel status. Reasons are CamelCase constants so that
// tools can branch on them; the message carries the detail. Documented in docs/api.md.

export const ConditionType = {
  /** Summary: True when every other condition is True, NetworkPolicyReady aside. */
  Ready: 'Ready',
  /** The credentials Secret exists, has the keys, and Cloudflare accepts it for the account. */
  CredentialsValid: 'CredentialsValid',
  /** The Cloudflare tunnel exists (created or adopted) and its credentials are stored in the Secret. */
  TunnelReady: 'TunnelReady',
  /** The ingress configuration is rendered into the ConfigMap (local) or pushed to Cloudflare (cloudflare). */
  ConfigReady: 'ConfigReady',
  /** The DNS records of the routes exist and point at the tunnel. */
  DNSReady: 'DNSReady',
  /** The cloudflared Deployment has rolled out and has the wanted number of ready replicas. */
  DeploymentReady: 'DeploymentReady',
  /**
   * The cloudflared NetworkPolicy allows every route's origin (or is switched off). Not part of Ready: where
   * policies are not enforced, or another policy allows an origin, the routes it names work all the same.
   */
  NetworkPolicyReady: 'NetworkPolicyReady',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** Reasons, grouped by the condition they usually appear on. Any reason may appear on `Ready`. */
export const Reason = {
  // Ready
  Reconciled: 'Reconciled',
  Progressing: 'Progressing',
  NotReady: 'NotReady',
  Deleting: 'Deleting',
  DeletionBlocked: 'DeletionBlocked',
  /** Cloudflare still shows something this object created after the deletion calls: kept, retried with backoff. */
  DeletionIncomplete: 'DeletionIncomplete',
  CloudflareUnavailable: 'CloudflareUnavailable',
  RateLimited: 'RateLimited',
  ReconcileError: 'ReconcileError',
  // CredentialsValid
  CredentialsVerified: 'CredentialsVerified',
  SecretNotFound: 'SecretNotFound',
  SecretKeyMissing: 'SecretKeyMissing',
  InvalidCredentials: 'InvalidCredentials',
  PermissionDenied: 'PermissionDenied',
  AccountNotFound: 'AccountNotFound',
  AccountAmbiguous: 'AccountAmbiguous',
  // TunnelReady
  TunnelCreated: 'TunnelCreated',
  TunnelAdopted: 'TunnelAdopted',
  TunnelNotFound: 'TunnelNotFound',
  TunnelNameConflict: 'TunnelNameConflict',
  /** The spec asks for another account or tunnel than the one this object has on record: nothing is changed. */
  TunnelIdentityChanged: 'TunnelIdentityChanged',
  TunnelCreateFailed: 'TunnelCreateFailed',
  // ConfigReady
  ConfigApplied: 'ConfigApplied',
  ConfigPushFailed: 'ConfigPushFailed',
  ConfigTooLarge: 'ConfigTooLarge',
  // DNSReady
  RecordsSynced: 'RecordsSynced',
  NoRecords: 'NoRecords',
  ZoneNotFound: 'ZoneNotFound',
  RecordConflict: 'RecordConflict',
  DNSUpdateFailed: 'DNSUpdateFailed',
  // DeploymentReady
  ReplicasReady: 'ReplicasReady',
  ScaledToZero: 'ScaledToZero',
  RolloutInProgress: 'RolloutInProgress',
  ReplicasUnavailable: 'ReplicasUnavailable',
  // NetworkPolicyReady
  NetworkPolicyApplied: 'NetworkPolicyApplied',
  NetworkPolicyDisabled: 'NetworkPolicyDisabled',
  OriginNotSelectable: 'OriginNotSelectable',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];
