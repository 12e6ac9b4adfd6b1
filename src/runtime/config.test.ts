import { ownerCommentPrefix } from '../cloudflare/ownership.js';
import { ConfigError, HelpRequested, configHelp, parseConfig } from './config.js';
import { parseDuration } from './config-parse.js';

const host = { hostname: 'pod-from-hostname' };
const minimal = { OWNER_ID: 'prod-eu-1', POD_NAMESPACE: 'cloudflare-operator' };

function problemsOf(argv: string[], env: Record<string, string>): readonly string[] {
  try {
    parseConfig(argv, env, host);
  } catch (err: unknown) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('takes a cluster domain, normalised, and refuses one that is not a DNS name', () => {
    expect(parseConfig(['--cluster-domain=Corp.Example.'], minimal, host).clusterDomain).toBe('corp.example');
    expect(() => parseConfig(['--cluster-domain=bad_domain'], minimal, host)).toThrow(
      /--cluster-domain: must be a DNS name/,
    );
  });

  it('applies defaults', () => {
    const config = parseConfig([], minimal, host);
    expect(config).toEqual({
      watchNamespaces: [],
      operatorNamespace: 'cloudflare-operator',
      podName: 'pod-from-hostname',
      ownerId: 'prod-eu-1',
      cloudflareApiBaseUrl: 'https://api.cloudflare.com/client/v4',
      cloudflareTimeoutMs: 30_000,
      clusterDomain: 'cluster.local',
      logLevel: 'info',
      concurrency: 4,
      resyncPeriodMs: 600_000,
      coalesceWindowMs: 25,
      http: { host: '0.0.0.0', port: 8080 },
      leaderElection: {
        enabled: true,
        leaseName: 'cloudflare-operator-leader',
        leaseNamespace: 'cloudflare-operator',
        leaseDurationMs: 15_000,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
      },
      shutdownTimeoutMs: 25_000,
    });
  });

  it('prefers flags over environment over defaults', () => {
    const config = parseConfig(
      ['--concurrency=8', '--log-level', 'debug', '--watch-namespaces=b, a ,a'],
      {
        ...minimal,
        CONCURRENCY: '2',
        LOG_LEVEL: 'warn',
        RESYNC_PERIOD: '1h30m',
        POD_NAME: 'op-0',
        LEADER_ELECT: 'false',
      },
      host,
    );
    expect(config.concurrency).toBe(8);
    expect(config.logLevel).toBe('debug');
    expect(config.watchNamespaces).toEqual(['a', 'b']);
    expect(config.resyncPeriodMs).toBe(5_400_000);
    expect(config.podName).toBe('op-0');
    expect(config.leaderElection.enabled).toBe(false);
  });

  it('treats "*" as all namespaces, and OPERATOR_NAMESPACE before POD_NAMESPACE', () => {
    const config = parseConfig([], { ...minimal, WATCH_NAMESPACES: '*', OPERATOR_NAMESPACE: 'ops' }, host);
    expect(config.watchNamespaces).toEqual([]);
    expect(config.operatorNamespace).toBe('ops');
    expect(config.leaderElection.leaseNamespace).toBe('ops');
  });

  it('accepts plain http only for a loopback emulator', () => {
    expect(
      parseConfig(['--cloudflare-api-base-url=http://127.0.0.1:8787/client/v4/'], minimal, host).cloudflareApiBaseUrl,
    ).toBe('http://127.0.0.1:8787/client/v4');
    expect(problemsOf(['--cloudflare-api-base-url=http://api.example.com'], minimal)).toEqual([
      '--cloudflare-api-base-url: must be an https URL (http is accepted only for a loopback host)',
    ]);
  });

  it('lists every problem at once, naming the flag or variable to fix', () => {
    const problems = problemsOf(['--concurrency=0', '--http-port=70000'], {
      LOG_LEVEL: 'verbose',
      RESYNC_PERIOD: '5s',
      WATCH_NAMESPACES: 'good,Bad_NS',
      LEASE_DURATION: 'soon',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^--operator-namespace \(or OPERATOR_NAMESPACE \/ POD_NAMESPACE\) is required/),
      'WATCH_NAMESPACES: invalid namespace name(s): Bad_NS',
      expect.stringMatching(/^--owner-id \(or OWNER_ID\) is required/),
      'LOG_LEVEL: must be one of error, warn, info, debug',
      '--concurrency: 0 is outside 1-64',
      '--http-port: 70000 is outside 0-65535',
      'LEASE_DURATION: "soon" is not a duration (examples: 500ms, 30s, 10m, 1h30m)',
      '--resync-period / RESYNC_PERIOD: must be 0 (off) or at least 10s',
    ]);
  });

  it('reads the coalescing window: 0 disables it, more than 10 s is refused', () => {
    expect(parseConfig(['--coalesce-window=0'], minimal, host).coalesceWindowMs).toBe(0);
    expect(parseConfig([], { ...minimal, COALESCE_WINDOW: '200ms' }, host).coalesceWindowMs).toBe(200);
    expect(problemsOf([], { ...minimal, COALESCE_WINDOW: '1m' })).toEqual([
      '--coalesce-window / COALESCE_WINDOW: must be at most 10s',
    ]);
  });

  it('reads the Cloudflare call timeout: 30 s by default, 1 s to 5 min', () => {
    expect(parseConfig([], minimal, host).cloudflareTimeoutMs).toBe(30_000);
    expect(parseConfig(['--cloudflare-timeout=5s'], minimal, host).cloudflareTimeoutMs).toBe(5_000);
    expect(parseConfig([], { ...minimal, CLOUDFLARE_TIMEOUT: '1s' }, host).cloudflareTimeoutMs).toBe(1_000);
    expect(parseConfig([], { ...minimal, CLOUDFLARE_TIMEOUT: '5m' }, host).cloudflareTimeoutMs).toBe(300_000);
    for (const tooShortOrLong of ['999ms', '5m1s']) {
      expect(problemsOf([], { ...minimal, CLOUDFLARE_TIMEOUT: tooShortOrLong })).toEqual([
        '--cloudflare-timeout / CLOUDFLARE_TIMEOUT: must be between 1s and 5m',
      ]);
    }
  });

  it('validates the owner ID format', () => {
    expect(problemsOf([], { ...minimal, OWNER_ID: 'prod eu' })).toEqual([
      'OWNER_ID: must be 1-32 characters of letters, digits, ".", "_" or "-"',
    ]);
    expect(parseConfig([], { ...minimal, OWNER_ID: 'Prod_EU.1-a' }, host).ownerId).toBe('Prod_EU.1-a');
  });

  it('accepts a 32-character owner ID and refuses 33 at start-up (the ownership code allows 32)', () => {
    const id32 = 'a'.repeat(32);
    expect(parseConfig([], { ...minimal, OWNER_ID: id32 }, host).ownerId).toBe(id32);
    expect(() => ownerCommentPrefix(id32)).not.toThrow();
    expect(problemsOf([], { ...minimal, OWNER_ID: 'a'.repeat(33) })).toEqual([
      'OWNER_ID: must be 1-32 characters of letters, digits, ".", "_" or "-"',
    ]);
    expect(() => ownerCommentPrefix('a'.repeat(33))).toThrow(RangeError);
  });

  it('checks leader-election timings only when enabled', () => {
    const env = { ...minimal, LEASE_DURATION: '5s', RENEW_DEADLINE: '10s' };
    expect(problemsOf([], env)).toEqual([
      'leader election (--lease-duration, --renew-deadline, --retry-period): lease duration must exceed renew deadline by more than 1.2 × retry period',
    ]);
    expect(() => parseConfig(['--leader-elect=false'], env, host)).not.toThrow();
  });

  it('reports unknown flags and missing flag values', () => {
    expect(problemsOf(['--nope=1'], minimal)[0]).toMatch(/Unknown option '--nope'/);
    expect(problemsOf(['--concurrency'], minimal)[0]).toMatch(/argument missing/);
  });

  it('the error message lists the problems, one per line', () => {
    expect(() => parseConfig([], {}, host)).toThrow(/invalid configuration:\n {2}- --operator-namespace/);
  });

  it('--help asks for the usage text', () => {
    expect(() => parseConfig(['--help'], {}, host)).toThrow(HelpRequested);
    expect(configHelp()).toContain('--owner-id  [OWNER_ID] (required)');
    expect(configHelp()).toContain('--resync-period  [RESYNC_PERIOD] (default 10m)');
  });
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ value: ms });
  });

  it.each(['', '10', 'ten minutes', '5d', '1h 30m', '-1s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toHaveProperty('error');
  });
});
