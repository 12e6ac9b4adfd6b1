import type { Client } from 'cloudflare/resources/zero-trust/tunnels/cloudflared/connections';
import { toTunnelConnectors } from './mappers.js';

const conn = (colo: string): NonNullable<Client['conns']>[number] => ({ colo_name: colo, client_version: '2025.1.0' });

describe('toTunnelConnectors', () => {
  it('counts the connectors, with their colos and versions sorted and each once, and the lowest config version', () => {
    const clients: Client[] = [
      { id: 'a', version: '2025.2.0', config_version: 7, conns: [conn('fra02'), conn('ams01')] },
      { id: 'b', version: '2025.1.0', config_version: 5, conns: [conn('ams01'), conn('lhr03')] },
      { id: 'c', version: '2025.2.0', config_version: 9, conns: [conn('fra02')] },
    ];
    expect(toTunnelConnectors(clients)).toEqual({
      count: 3,
      colos: ['ams01', 'fra02', 'lhr03'],
      versions: ['2025.1.0', '2025.2.0'],
      configVersion: 5,
    });
  });

  it('leaves out connectors without an open connection', () => {
    const clients: Client[] = [
      { id: 'gone', version: '2024.1.0', config_version: 1, conns: [] },
      { id: 'up', version: '2025.1.0', config_version: 4, conns: [conn('ams01')] },
    ];
    expect(toTunnelConnectors(clients)).toEqual({
      count: 1,
      colos: ['ams01'],
      versions: ['2025.1.0'],
      configVersion: 4,
    });
  });

  it('takes the version from the connections when the connector has none, and skips missing fields', () => {
    const clients: Client[] = [
      { id: 'a', conns: [{ client_version: '2025.3.1' }] },
      { id: 'b', config_version: 0, conns: [conn('')] },
    ];
    expect(toTunnelConnectors(clients)).toEqual({
      count: 2,
      colos: [],
      versions: ['2025.1.0', '2025.3.1'],
      configVersion: 0,
    });
  });

  it('reports no configuration version when no connector carries one, and nothing for no connectors', () => {
    expect(toTunnelConnectors([{ id: 'a', version: 'x', conns: [conn('ams01')] }]).configVersion).toBeUndefined();
    expect(toTunnelConnectors([])).toEqual({ count: 0, colos: [], versions: [], configVersion: undefined });
  });
});
