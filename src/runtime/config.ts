// Configuration from flags and environment, parsed once at start (never at import time) and validated as a
// whole: every problem is reported in one error, each naming the flag and the variable to fix.
// Precedence: flag > environment variable > default.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { validateLeaderTimings } from './leader-election.js';
import { OPTIONS, type OptionName, type OptionSpec } from './config-options.js';
import {
  parseError,
  parsedValue,
  parseBaseUrl,
  parseBool,
  parseDnsLabel,
  parseDnsName,
  parseDuration,
  parseInteger,
  parseNamespaceList,
  parseOwnerId,
  type Parsed,
} from './config-parse.js';

export { OPTIONS } from './config-options.js';

export interface LeaderElectionConfig {
  enabled: boolean;
  leaseName: string;
  leaseNamespace: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface OperatorConfig {
  /** Namespaces to watch; empty means all namespaces. */
  watchNamespaces: string[];
  /** Where the operator runs: ClusterTunnel Secrets and Events about cluster-scoped objects live here. */
  operatorNamespace: string;
  /** Pod name; with a random suffix it is the leader-election identity. */
  podName: string;
  /** Cluster-unique ID written into the comment of every DNS record we own. */
  ownerId: string;
  cloudflareApiBaseUrl: string;
  /** Limit of one Cloudflare API call; a call past it is abandoned (and retried by the gateway). */
  cloudflareTimeoutMs: number;
  /** The cluster DNS domain of origin URLs. */
  clusterDomain: string;
  logLevel: LogLevel;
  /** Reconciles in parallel per controller. */
  concurrency: number;
  /** 0 disables periodic resync. */
  resyncPeriodMs: number;
  /** Quiet time before a burst of coalesced changes is reconciled (see coalesceWindow); 0 disables. */
  coalesceWindowMs: number;
  http: { host: string; port: number };
  leaderElection: LeaderElectionConfig;
  /** Bound on finishing in-flight reconciles at shutdown. */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Signals `--help`: print configHelp() and exit 0. */
export class HelpRequested extends Error {
  constructor() {
    super('help requested');
    this.name = 'HelpRequested';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Collects values and problems; each problem names where the bad value came from. */
class Reader {
  readonly problems: string[] = [];
  constructor(
    private readonly flags: Partial<Record<OptionName, string>>,
    private readonly env: Env,
  ) {}

  get<T>(name: OptionName, parse: (value: string) => Parsed<T>, fallback: T): T {
    const option: OptionSpec = OPTIONS[name];
    const { value, source } = this.raw(name, option);
    if (value === undefined) {
      if (option.required) this.problems.push(`--${name} (or ${option.env.join(' / ')}) is required: ${option.help}`);
      return fallback;
    }
    const parsed = parse(value);
    if ('error' in parsed) {
      this.problems.push(`${source}: ${parsed.error}`);
      return fallback;
    }
    return parsed.value;
  }

  /** Optional without default: undefined when unset. */
  optional<T>(name: OptionName, parse: (value: string) => Parsed<T>): T | undefined {
    return this.get<T | undefined>(name, parse, undefined);
  }

  check(condition: boolean, problem: string): void {
    if (!condition) this.problems.push(problem);
  }

  private raw(name: OptionName, option: OptionSpec): { value: string | undefined; source: string } {
    const flag = this.flags[name];
    if (flag !== undefined) return { value: flag, source: `--${name}` };
    for (const variable of option.env) {
      const value = this.env[variable];
      if (value !== undefined && value !== '') return { value, source: variable };
    }
    return { value: option.default, source: `--${name} default` };
  }
}

function readFlags(argv: readonly string[]): Partial<Record<OptionName, string>> {
  const names = Object.keys(OPTIONS) as OptionName[];
  const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
  const { values }: { values: Record<string, string | boolean | undefined> } = parseArgs({
    args: [...argv],
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) throw new HelpRequested();
  const out: Partial<Record<OptionName, string>> = {};
  for (const name of names) {
    const value = values[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

const text = (v: string): Parsed<string> => parsedValue(v.trim());

/** Parses and validates; throws ConfigError listing every problem, or HelpRequested. */
export function parseConfig(
  argv: readonly string[],
  env: Env,
  host: { hostname: string } = { hostname: hostname() },
): OperatorConfig {
  let flags: Partial<Record<OptionName, string>>;
  try {
    flags = readFlags(argv);
  } catch (err: unknown) {
    if (err instanceof HelpRequested) throw err;
    throw new ConfigError([err instanceof Error ? err.message : String(err)]);
  }
  const r = new Reader(flags, env);
  const operatorNamespace = r.get('operator-namespace', parseDnsLabel, '');
  const logLevels: readonly string[] = LOG_LEVELS;
  const config: OperatorConfig = {
    watchNamespaces: r.get('watch-namespaces', parseNamespaceList, []),
    operatorNamespace,
    podName: r.optional('pod-name', text) || host.hostname,
    ownerId: r.get('owner-id', parseOwnerId, ''),
    cloudflareApiBaseUrl: r.get('cloudflare-api-base-url', parseBaseUrl, ''),
    cloudflareTimeoutMs: r.get('cloudflare-timeout', parseDuration, 30_000),
    clusterDomain: r.get('cluster-domain', parseDnsName, 'cluster.local'),
    logLevel: r.get<LogLevel>(
      'log-level',
      (v) =>
        logLevels.includes(v) ? parsedValue(v as LogLevel) : parseError(`must be one of ${LOG_LEVELS.join(', ')}`),
      'info',
    ),
    concurrency: r.get('concurrency', (v) => parseInteger(v, 1, 64), 4),
    resyncPeriodMs: r.get('resync-period', parseDuration, 0),
    coalesceWindowMs: r.get('coalesce-window', parseDuration, 0),
    http: {
      host: r.get('http-host', text, '0.0.0.0'),
      port: r.get('http-port', (v) => parseInteger(v, 0, 65535), 8080),
    },
    leaderElection: {
      enabled: r.get('leader-elect', parseBool, true),
      leaseName: r.get('lease-name', parseDnsLabel, ''),
      leaseNamespace: r.optional('lease-namespace', parseDnsLabel) ?? operatorNamespace,
      leaseDurationMs: r.get('lease-duration', parseDuration, 15_000),
      renewDeadlineMs: r.get('renew-deadline', parseDuration, 10_000),
      retryPeriodMs: r.get('retry-period', parseDuration, 2_000),
    },
    shutdownTimeoutMs: r.get('shutdown-timeout', parseDuration, 25_000),
  };
  validate(r, config);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function validate(r: Reader, config: OperatorConfig): void {
  r.check(
    config.resyncPeriodMs === 0 || config.resyncPeriodMs >= 10_000,
    '--resync-period / RESYNC_PERIOD: must be 0 (off) or at least 10s',
  );
  r.check(config.coalesceWindowMs <= 10_000, '--coalesce-window / COALESCE_WINDOW: must be at most 10s');
  r.check(
    config.cloudflareTimeoutMs >= 1_000 && config.cloudflareTimeoutMs <= 300_000,
    '--cloudflare-timeout / CLOUDFLARE_TIMEOUT: must be between 1s and 5m',
  );
  r.check(config.shutdownTimeoutMs > 0, '--shutdown-timeout / SHUTDOWN_TIMEOUT: must be > 0');
  const le = config.leaderElection;
  if (le.enabled) {
    for (const problem of validateLeaderTimings(le.leaseDurationMs, le.renewDeadlineMs, le.retryPeriodMs)) {
      r.problems.push(`leader election (--lease-duration, --renew-deadline, --retry-period): ${problem}`);
    }
  }
}

/** Usage text: every option with its variable and default. */
export function configHelp(): string {
  const lines = ['Usage: cloudflare-operator [options]', ''];
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const option: OptionSpec = spec;
    const suffix = option.required ? ' (required)' : option.default !== undefined ? ` (default ${option.default})` : '';
    lines.push(`  --${name}  [${option.env.join(', ')}]${suffix}`, `      ${option.help}`);
  }
  return lines.join('\n');
}
