// The cloudflared pod: one container, read-only volumes, and a security context that passes the
// PodSecurity "restricted" profile (non-root, no privilege escalation, no capabilities, RuntimeDefault
// seccomp, read-only root filesystem).
import type {
  V1Container,
  V1EnvVar,
  V1PodSecurityContext,
  V1Probe,
  V1ResourceRequirements,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { CLOUDFLARED_UID, METRICS_PORT } from '../api/constants.js';
import type { DefaultedTunnelSpec } from '../api/defaults.js';
import type { ConfigSource } from '../api/types.js';
import type { ObjectNames } from './names.js';
import {
  CA_POOL_DIR,
  CA_POOL_FILE,
  CONFIG_DIR,
  CONFIG_FILE,
  CONFIG_PATH,
  CREDENTIALS_DIR,
  CREDENTIALS_FILE,
  METRICS_ADDRESS,
  TOKEN_KEY,
} from './paths.js';

/** Owner and group may read; nobody may write. The pod's fsGroup makes the files readable by cloudflared. */
const READ_ONLY_MODE = 0o440;

export const DEFAULT_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { memory: '256Mi' },
};

/** cloudflared's command line: tunnel-level flags, then extraArgs (also tunnel-level), then `run`. */
export function cloudflaredArgs(spec: DefaultedTunnelSpec, mode: ConfigSource): string[] {
  const { logLevel, protocol, extraArgs = [] } = spec.cloudflared;
  const args = [
    'tunnel',
    '--no-autoupdate',
    '--metrics',
    METRICS_ADDRESS,
    '--loglevel',
    logLevel,
    '--protocol',
    protocol,
  ];
  if (mode === 'local') args.push('--config', CONFIG_PATH);
  return [...args, ...extraArgs, 'run'];
}

function probe(initialDelaySeconds: number, failureThreshold: number): V1Probe {
  return {
    httpGet: { path: '/ready', port: 'metrics' },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 3,
    failureThreshold,
  };
}

export const POD_SECURITY_CONTEXT: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: CLOUDFLARED_UID,
  runAsGroup: CLOUDFLARED_UID,
  fsGroup: CLOUDFLARED_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const CONTAINER_SECURITY_CONTEXT: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: CLOUDFLARED_UID,
  runAsGroup: CLOUDFLARED_UID,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Volumes: config and credentials in `local` mode, the CA bundle whenever one is configured. */
export function volumes(spec: DefaultedTunnelSpec, mode: ConfigSource, names: ObjectNames): V1Volume[] {
  const out: V1Volume[] = [];
  if (mode === 'local') {
    out.push({
      name: 'config',
      configMap: {
        name: names.configMap,
        items: [{ key: CONFIG_FILE, path: CONFIG_FILE }],
        defaultMode: READ_ONLY_MODE,
      },
    });
    out.push({
      name: 'credentials',
      secret: {
        secretName: names.secret,
        items: [{ key: CREDENTIALS_FILE, path: CREDENTIALS_FILE }],
        defaultMode: READ_ONLY_MODE,
      },
    });
  }
  const ca = spec.originRequest.caPoolSecretRef;
  if (ca) {
    out.push({
      name: 'ca-pool',
      secret: {
        secretName: ca.name,
        items: [{ key: ca.key ?? CA_POOL_FILE, path: CA_POOL_FILE }],
        defaultMode: READ_ONLY_MODE,
      },
    });
  }
  return out;
}

const MOUNT_PATHS: Record<string, string> = {
  config: CONFIG_DIR,
  credentials: CREDENTIALS_DIR,
  'ca-pool': CA_POOL_DIR,
};

function volumeMounts(podVolumes: V1Volume[]): V1VolumeMount[] {
  return podVolumes.map((volume) => ({ name: volume.name, mountPath: MOUNT_PATHS[volume.name] ?? '', readOnly: true }));
}

function env(mode: ConfigSource, names: ObjectNames): V1EnvVar[] | undefined {
  if (mode !== 'cloudflare') return undefined;
  return [{ name: 'TUNNEL_TOKEN', valueFrom: { secretKeyRef: { name: names.secret, key: TOKEN_KEY } } }];
}

/** The cloudflared container. */
export function cloudflaredContainer(
  spec: DefaultedTunnelSpec,
  mode: ConfigSource,
  podVolumes: V1Volume[],
  names: ObjectNames,
): V1Container {
  const container: V1Container = {
    name: 'cloudflared',
    image: spec.cloudflared.image,
    imagePullPolicy: spec.cloudflared.imagePullPolicy,
    args: cloudflaredArgs(spec, mode),
    ports: [{ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }],
    readinessProbe: probe(5, 3),
    livenessProbe: probe(15, 6),
    resources: spec.cloudflared.resources ?? DEFAULT_RESOURCES,
    securityContext: CONTAINER_SECURITY_CONTEXT,
    volumeMounts: volumeMounts(podVolumes),
  };
  const variables = env(mode, names);
  if (variables) container.env = variables;
  return container;
}
