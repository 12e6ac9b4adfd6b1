import type { V1ServicePort } from '@kubernetes/client-node';
import { inferProtocol } from './protocol.js';

describe('inferProtocol', () => {
  it.each<[string, V1ServicePort, string]>([
    ['appProtocol http', { port: 443, appProtocol: 'http' }, 'http'],
    ['appProtocol https', { port: 80, appProtocol: 'https' }, 'https'],
    ['appProtocol in upper case', { port: 80, appProtocol: 'HTTPS' }, 'https'],
    ['appProtocol kubernetes.io/h2c', { port: 443, appProtocol: 'kubernetes.io/h2c' }, 'http'],
    ['appProtocol kubernetes.io/ws', { port: 443, appProtocol: 'kubernetes.io/ws' }, 'http'],
    ['appProtocol kubernetes.io/wss', { port: 80, appProtocol: 'kubernetes.io/wss' }, 'https'],
    ['appProtocol ssh', { port: 2222, appProtocol: 'ssh' }, 'ssh'],
    ['appProtocol tcp', { port: 5432, appProtocol: 'tcp' }, 'tcp'],
    ['appProtocol udp', { port: 53, appProtocol: 'udp' }, 'udp'],
    ['appProtocol rdp', { port: 3390, appProtocol: 'rdp' }, 'rdp'],
    ['appProtocol smb', { port: 4450, appProtocol: 'smb' }, 'smb'],
    ['an unknown appProtocol, then the port', { port: 443, appProtocol: 'grpc' }, 'https'],
    ['a UDP port', { port: 53, protocol: 'UDP' }, 'udp'],
    ['a UDP port 443 (QUIC)', { port: 443, protocol: 'UDP' }, 'udp'],
    ['port 443', { port: 443, protocol: 'TCP' }, 'https'],
    ['port 8443', { port: 8443 }, 'https'],
    ['port 22', { port: 22 }, 'ssh'],
    ['port 3389', { port: 3389 }, 'rdp'],
    ['port 445', { port: 445 }, 'smb'],
    ['port 80', { port: 80 }, 'http'],
    ['another port', { port: 5432, protocol: 'TCP' }, 'http'],
    ['an SCTP port', { port: 9999, protocol: 'SCTP' }, 'http'],
  ])('%s → %s', (_name, port, protocol) => {
    expect(inferProtocol(port)).toBe(protocol);
  });
});
