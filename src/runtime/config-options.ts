// The option table: flag name → environment variables, default and help. Documented in docs/runtime.md.
import { OWNER_ID_RULE } from '../api/patterns.js';

export interface OptionSpec {
  env: readonly string[];
  default?: string;
  required?: boolean;
  help: string;
}

export const OPTIONS = {
  'owner-id': {
    env: ['OWNER_ID'],
    required: true,
    help: `cluster-unique ID recorded in the comment of every DNS record this operator owns (${OWNER_ID_RULE})`,
  },
  'operator-namespace': {
    env: ['OPERATOR_NAMESPACE', 'POD_NAMESPACE'],
    required: true,
    help: 'namespace the operator runs in (ClusterTunnel Secrets, the leader Lease, Events of cluster-scoped objects)',
  },
  'watch-namespaces': {
    env: ['WATCH_NAMESPACES'],
    default: '',
    help: 'comma-separated namespaces to watch; empty or "*" watches all namespaces',
  },
  'pod-name': { env: ['POD_NAME'], help: 'pod name, the base of the leader-election identity (default: hostname)' },
  'cloudflare-api-base-url': {
    env: ['CLOUDFLARE_API_BASE_URL'],
    default: 'https://api.cloudflare.com/client/v4',
    help: 'Cloudflare API base URL (https; plain http only for a loopback emulator)',
  },
  'cloudflare-timeout': {
    env: ['CLOUDFLARE_TIMEOUT'],
    default: '30s',
    help: 'how long one Cloudflare API call may take before it is abandoned and retried (1s-5m)',
  },
  'cluster-domain': {
    env: ['CLUSTER_DOMAIN'],
    default: 'cluster.local',
    help: 'the cluster DNS domain, for origin URLs (<service>.<namespace>.svc.<cluster-domain>)',
  },
  'log-level': { env: ['LOG_LEVEL'], default: 'info', help: 'error, warn, info or debug' },
  concurrency: { env: ['CONCURRENCY'], default: '4', help: 'reconciles in parallel per controller (1-64)' },
  'resync-period': {
    env: ['RESYNC_PERIOD'],
    default: '10m',
    help: 'period at which every known object is reconciled again (0 = off, else ≥ 10s)',
  },
  'coalesce-window': {
    env: ['COALESCE_WINDOW'],
    default: '25ms',
    help: 'changes to watches that ask for it are reconciled once they pause this long, at most max(10s, 200 × this) after the first (0 = off, ≤ 10s)',
  },
  'http-host': { env: ['HTTP_HOST'], default: '0.0.0.0', help: 'address of the /healthz, /readyz, /metrics server' },
  'http-port': { env: ['HTTP_PORT'], default: '8080', help: 'port of the /healthz, /readyz, /metrics server' },
  'leader-elect': { env: ['LEADER_ELECT'], default: 'true', help: 'run leader election (true/false)' },
  'lease-name': { env: ['LEASE_NAME'], default: 'cloudflare-operator-leader', help: 'name of the leader Lease' },
  'lease-namespace': { env: ['LEASE_NAMESPACE'], help: 'namespace of the leader Lease (default: operator namespace)' },
  'lease-duration': { env: ['LEASE_DURATION'], default: '15s', help: 'how long a lease is valid without renewal' },
  'renew-deadline': {
    env: ['RENEW_DEADLINE'],
    default: '10s',
    help: 'the leader steps down if it cannot renew within this',
  },
  'retry-period': { env: ['RETRY_PERIOD'], default: '2s', help: 'interval between acquire/renew attempts' },
  'shutdown-timeout': {
    env: ['SHUTDOWN_TIMEOUT'],
    default: '25s',
    help: 'how long in-flight reconciles may finish on SIGTERM before they are aborted',
  },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;
