// The checks of the PodSecurity "restricted" profile (Kubernetes v1.37) that a pod spec can fail, for the
// tests of the renderers. The API server's PodSecurity admission remains the authority (checked in e2e).
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';

const ALLOWED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

function podViolations(pod: V1PodSpec): string[] {
  const out: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push('host namespaces');
  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== 'name');
    if (!types.every((type) => ALLOWED_VOLUME_TYPES.has(type))) out.push(`volume ${volume.name}: ${types.join()}`);
  }
  return out;
}

function identityViolations(container: V1Container, pod: V1PodSpec): string[] {
  const sc = container.securityContext ?? {};
  const out: string[] = [];
  if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) out.push('runAsNonRoot');
  if ((sc.runAsUser ?? pod.securityContext?.runAsUser) === 0) out.push('runAsUser 0');
  const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push('seccomp');
  return out;
}

function privilegeViolations(container: V1Container): string[] {
  const sc = container.securityContext ?? {};
  const out: string[] = [];
  if (sc.privileged) out.push('privileged');
  if (sc.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation');
  if (!sc.capabilities?.drop?.includes('ALL')) out.push('capabilities not dropped');
  if ((sc.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE')) out.push('added capabilities');
  if ((container.ports ?? []).some((port) => port.hostPort)) out.push('hostPort');
  return out;
}

/** Every way `pod` breaks the restricted profile; empty when it passes. */
export function restrictedViolations(pod: V1PodSpec): string[] {
  const containers = [...pod.containers, ...(pod.initContainers ?? [])];
  return [
    ...podViolations(pod),
    ...containers.flatMap((c) =>
      [...identityViolations(c, pod), ...privilegeViolations(c)].map((problem) => `${c.name}: ${problem}`),
    ),
  ];
}
