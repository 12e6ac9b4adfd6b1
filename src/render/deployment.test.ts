import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { deployment } from './deployment.js';
import { CTX, sampleClusterTunnel, sampleTunnel } from './testing/fixtures.js';
import { restrictedViolations } from './testing/pod-security.js';

const HASH = 'c0ffee';
const local = { ...CTX, configHash: HASH, mode: 'local' as const };
const remote = { ...CTX, configHash: HASH, mode: 'cloudflare' as const };

function podOf(object: ReturnType<typeof deployment>): V1PodSpec {
  const pod = object.spec?.template.spec;
  if (!pod) throw new Error('no pod spec');
  return pod;
}

function containerOf(object: ReturnType<typeof deployment>): V1Container {
  const container = podOf(object).containers[0];
  if (!container) throw new Error('no container');
  return container;
}

describe('deployment', () => {
  describe('local mode, defaults', () => {
    const object = deployment(sampleTunnel(), local);
    const container = containerOf(object);
    const pod = podOf(object);

    it('is named after the tunnel, in its namespace, owned by it', () => {
      expect(object.metadata).toMatchObject({
        name: 'web-cloudflared',
        namespace: 'shop',
        ownerReferences: [{ kind: 'Tunnel', name: 'web', controller: true, blockOwnerDeletion: true }],
      });
    });

    it('runs the pinned image with two replicas', () => {
      expect(container.image).toBe('cloudflare/cloudflared:2026.8.2');
      expect(container.imagePullPolicy).toBe('IfNotPresent');
      expect(object.spec?.replicas).toBe(2);
    });

    it('runs cloudflared with metrics, log level, protocol and the config file', () => {
      expect(container.args).toEqual([
        'tunnel',
        '--no-autoupdate',
        '--metrics',
        '0.0.0.0:2000',
        '--loglevel',
        'info',
        '--protocol',
        'auto',
        '--config',
        '/etc/cloudflared/config/config.yaml',
        'run',
      ]);
      expect(container.env).toBeUndefined();
    });

    it('probes readiness and liveness on /ready of the metrics port', () => {
      expect(container.ports).toEqual([{ name: 'metrics', containerPort: 2000, protocol: 'TCP' }]);
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'metrics' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/ready', port: 'metrics' });
      expect(container.livenessProbe?.failureThreshold).toBeGreaterThan(
        container.readinessProbe?.failureThreshold ?? 0,
      );
    });

    it('rolls out with a surge and without ever going below the wanted replicas', () => {
      expect(object.spec?.strategy).toEqual({
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      });
    });

    it('carries the config hash on the pod template', () => {
      expect(object.spec?.template.metadata?.annotations).toEqual({ 'cloudflare-operator.io/config-hash': HASH });
    });

    it('selects its pods by the stable selector labels', () => {
      const selector = { 'app.kubernetes.io/name': 'cloudflared', 'cloudflare-operator.io/tunnel': 'web' };
      expect(object.spec?.selector).toEqual({ matchLabels: selector });
      expect(object.spec?.template.metadata?.labels).toMatchObject(selector);
    });

    it('mounts the config and the credentials read-only, and nothing else', () => {
      expect(pod.volumes?.map((v) => [v.name, v.configMap?.name ?? v.secret?.secretName])).toEqual([
        ['config', 'web-cloudflared'],
        ['credentials', 'web-cloudflared-credentials'],
      ]);
      expect(container.volumeMounts).toEqual([
        { name: 'config', mountPath: '/etc/cloudflared/config', readOnly: true },
        { name: 'credentials', mountPath: '/etc/cloudflared/creds', readOnly: true },
      ]);
    });

    it('passes the PodSecurity restricted profile', () => {
      expect(restrictedViolations(pod)).toEqual([]);
    });

    it('is hardened beyond the profile: read-only root, no token, non-root UID 65532', () => {
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsUser: 65532 });
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('has default resources', () => {
      expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    });

    it('spreads replicas across nodes without blocking scheduling', () => {
      expect(pod.topologySpreadConstraints).toEqual([
        expect.objectContaining({
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          maxSkew: 1,
        }),
      ]);
    });

    it('sets no scheduling fields the user did not ask for', () => {
      for (const field of ['nodeSelector', 'tolerations', 'affinity', 'priorityClassName']) {
        expect(pod).not.toHaveProperty(field);
      }
    });
  });

  describe('cloudflare mode', () => {
    const object = deployment(sampleTunnel({ configSource: 'cloudflare' }), remote);
    const container = containerOf(object);

    it('runs with the token from the Secret and no config file', () => {
      expect(container.args).not.toContain('--config');
      expect(container.args?.at(-1)).toBe('run');
      expect(container.env).toEqual([
        {
          name: 'TUNNEL_TOKEN',
          valueFrom: { secretKeyRef: { name: 'web-cloudflared-credentials', key: 'token' } },
        },
      ]);
    });

    it('mounts no config and no credentials file', () => {
      expect(podOf(object).volumes).toBeUndefined();
      expect(container.volumeMounts).toEqual([]);
      expect(restrictedViolations(podOf(object))).toEqual([]);
    });
  });

  describe('user settings', () => {
    const tunnel = sampleTunnel({
      originRequest: { caPoolSecretRef: { name: 'origin-ca', key: 'bundle.pem' } },
      cloudflared: {
        image: 'mirror.internal/cloudflared:1',
        imagePullPolicy: 'Always',
        replicas: 5,
        protocol: 'quic',
        logLevel: 'debug',
        resources: { requests: { cpu: '1' } },
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'edge', operator: 'Exists' }],
        affinity: { nodeAffinity: {} },
        priorityClassName: 'high',
        extraArgs: ['--edge-ip-version', '4'],
        podAnnotations: { 'team.example.com/owner': 'edge', 'cloudflare-operator.io/config-hash': 'forged' },
        podLabels: { team: 'edge', 'cloudflare-operator.io/tunnel': 'forged' },
      },
    });
    const object = deployment(tunnel, local);
    const container = containerOf(object);
    const pod = podOf(object);

    it('applies image, replicas, protocol, log level and resources', () => {
      expect(container).toMatchObject({ image: 'mirror.internal/cloudflared:1', imagePullPolicy: 'Always' });
      expect(object.spec?.replicas).toBe(5);
      expect(container.args).toEqual(expect.arrayContaining(['--protocol', 'quic', '--loglevel', 'debug']));
      expect(container.resources).toEqual({ requests: { cpu: '1' } });
    });

    it('puts extra args before `run`, where cloudflared reads tunnel flags', () => {
      expect(container.args?.slice(-3)).toEqual(['--edge-ip-version', '4', 'run']);
    });

    it('copies the scheduling fields', () => {
      expect(pod).toMatchObject({
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'edge', operator: 'Exists' }],
        affinity: { nodeAffinity: {} },
        priorityClassName: 'high',
      });
    });

    it('merges pod labels and annotations under ours', () => {
      expect(object.spec?.template.metadata?.labels).toMatchObject({
        team: 'edge',
        'cloudflare-operator.io/tunnel': 'web',
      });
      expect(object.spec?.template.metadata?.annotations).toEqual({
        'team.example.com/owner': 'edge',
        'cloudflare-operator.io/config-hash': HASH,
      });
    });

    it('mounts the CA bundle under the name the config points at', () => {
      expect(pod.volumes?.find((v) => v.name === 'ca-pool')?.secret).toMatchObject({
        secretName: 'origin-ca',
        items: [{ key: 'bundle.pem', path: 'ca.crt' }],
      });
      expect(container.volumeMounts).toContainEqual({
        name: 'ca-pool',
        mountPath: '/etc/cloudflared/ca',
        readOnly: true,
      });
    });
  });

  it('a ClusterTunnel: in the operator namespace, with cluster- names and its own selector', () => {
    const object = deployment(sampleClusterTunnel(), local);
    expect(object.metadata).toMatchObject({ name: 'cluster-shared-cloudflared', namespace: 'cloudflare-operator' });
    expect(object.spec?.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'cloudflared',
      'cloudflare-operator.io/cluster-tunnel': 'shared',
    });
    expect(podOf(object).volumes?.map((v) => v.configMap?.name ?? v.secret?.secretName)).toEqual([
      'cluster-shared-cloudflared',
      'cluster-shared-cloudflared-credentials',
    ]);
  });

  it('scales to zero when asked', () => {
    expect(deployment(sampleTunnel({ cloudflared: { replicas: 0 } }), local).spec?.replicas).toBe(0);
  });

  it('is deterministic and changes the pod template only through its inputs', () => {
    expect(deployment(sampleTunnel(), local)).toEqual(deployment(sampleTunnel(), local));
    const other = deployment(sampleTunnel(), { ...local, configHash: 'other' });
    expect(other.spec?.template.metadata?.annotations).toEqual({ 'cloudflare-operator.io/config-hash': 'other' });
  });
});

describe('restrictedViolations (the checker itself)', () => {
  it('finds what a privileged, root pod gets wrong', () => {
    const problems = restrictedViolations({
      hostNetwork: true,
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
      containers: [
        { name: 'c', securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['SYS_ADMIN'] } } },
      ],
    });
    expect(problems).toEqual([
      'host namespaces',
      'volume host: hostPath',
      'c: runAsNonRoot',
      'c: runAsUser 0',
      'c: seccomp',
      'c: privileged',
      'c: allowPrivilegeEscalation',
      'c: capabilities not dropped',
      'c: added capabilities',
    ]);
  });
});

describe('deployment purity', () => {
  it('shares no object with its input, so editing the result leaves the tunnel and later renders alone', () => {
    const tunnel = sampleTunnel({
      cloudflared: { tolerations: [{ key: 'a', operator: 'Exists' }], nodeSelector: { a: 'b' } },
    });
    const before = structuredClone(tunnel);
    const first = deployment(tunnel, local);
    const pod = first.spec!.template.spec!;
    pod.tolerations![0]!.key = 'edited';
    pod.nodeSelector!.a = 'edited';
    pod.containers[0]!.securityContext!.runAsUser = 0;
    pod.containers[0]!.resources!.limits!.memory = '1Gi';
    expect(tunnel).toEqual(before);
    expect(deployment(tunnel, local)).toEqual(deployment(structuredClone(before), local));
    expect(deployment(tunnel, local).spec?.template.spec?.containers[0]?.securityContext?.runAsUser).toBe(65532);
  });
});
