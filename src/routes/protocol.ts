// The origin scheme of a Service port when the `protocol` annotation does not say it.
import type { V1ServicePort } from '@kubernetes/client-node';
import type { OriginProtocol } from '../api/annotations.js';

/** appProtocol values we understand (compared in lower case). */
const BY_APP_PROTOCOL: Readonly<Record<string, OriginProtocol>> = {
  http: 'http',
  https: 'https',
  'kubernetes.io/h2c': 'http',
  'kubernetes.io/ws': 'http',
  'kubernetes.io/wss': 'https',
  ssh: 'ssh',
  tcp: 'tcp',
  udp: 'udp',
  rdp: 'rdp',
  smb: 'smb',
};

/** Well-known port numbers. */
const BY_PORT: Readonly<Record<number, OriginProtocol>> = {
  443: 'https',
  8443: 'https',
  22: 'ssh',
  3389: 'rdp',
  445: 'smb',
};

/**
 * In order: the port's `appProtocol` when we understand it; `udp` for a UDP port; the well-known port numbers
 * (443 and 8443 https, 22 ssh, 3389 rdp, 445 smb); else `http`.
 */
export function inferProtocol(port: V1ServicePort): OriginProtocol {
  const byApp = port.appProtocol === undefined ? undefined : BY_APP_PROTOCOL[port.appProtocol.toLowerCase()];
  if (byApp) return byApp;
  if (port.protocol?.toUpperCase() === 'UDP') return 'udp';
  return BY_PORT[port.port] ?? 'http';
}
