// Where a Service's traffic goes: the Service port a route uses, and the origin URL cloudflared connects to.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { OriginProtocol } from '../api/annotations.js';
import { quote } from '../api/quote.js';
import { normalizeHostname } from '../cloudflare/index.js';
import { inferProtocol } from './protocol.js';

/** The port a route uses: a port of the Service, or a bare number when the Service has none. */
export interface ChosenPort {
  port: number;
  servicePort?: V1ServicePort;
}

export type PortChoice = { ok: true; value: ChosenPort } | { ok: false; message: string };

const DIGITS = /^[0-9]+$/;

function describePort(port: V1ServicePort): string {
  return port.name ? `${port.name} (${port.port})` : String(port.port);
}

/**
 * The port named by the `port` annotation (a port name, or a port number), else the Service's first port.
 * A Service without ports (ExternalName, headless) needs the annotation, as a number, which is used as is.
 * An annotation that names one port and is the number of another is refused as ambiguous.
 */
export function choosePort(ports: readonly V1ServicePort[], annotation: string | undefined): PortChoice {
  const [first] = ports;
  if (!first) {
    if (annotation !== undefined && DIGITS.test(annotation)) return { ok: true, value: { port: Number(annotation) } };
    return { ok: false, message: 'the Service has no ports: set this annotation to a port number' };
  }
  if (annotation === undefined) return { ok: true, value: { port: first.port, servicePort: first } };
  const byName = ports.find((port) => port.name === annotation);
  const byNumber = DIGITS.test(annotation) ? ports.find((port) => port.port === Number(annotation)) : undefined;
  // A port may be named "8080" (a DNS label): if another port has that number, neither reading is safe to guess.
  if (byName && byNumber && byName !== byNumber) {
    return {
      ok: false,
      message:
        `${quote(annotation)} is both the name of port ${describePort(byName)} and the number of port ` +
        `${describePort(byNumber)}: rename the port`,
    };
  }
  const found = byName ?? byNumber;
  if (found) return { ok: true, value: { port: found.port, servicePort: found } };
  return {
    ok: false,
    message: `the Service has no port ${quote(annotation)}; its ports: ${ports.map(describePort).join(', ')}`,
  };
}

/** The annotation's protocol, else the one inferred from the port (a bare number counts as TCP). */
export function originProtocol(chosen: ChosenPort, annotation: OriginProtocol | undefined): OriginProtocol {
  return annotation ?? inferProtocol(chosen.servicePort ?? { port: chosen.port, protocol: 'TCP' });
}

/**
 * The origin host: an ExternalName Service's external name; for every other type the Service's cluster DNS
 * name (for a headless Service it resolves to the pods' IPs).
 */
export function originHost(service: V1Service, clusterDomain: string): string {
  const externalName = service.spec?.type === 'ExternalName' ? service.spec.externalName : undefined;
  if (externalName) return normalizeHostname(externalName);
  return `${service.metadata?.name ?? ''}.${service.metadata?.namespace ?? ''}.svc.${clusterDomain}`;
}

/** The Service port; for a headless Service its numeric targetPort, as pods are reached without translation. */
export function originPort(service: V1Service, chosen: ChosenPort): number {
  const target = chosen.servicePort?.targetPort;
  return service.spec?.clusterIP === 'None' && typeof target === 'number' ? target : chosen.port;
}

/** `<protocol>://<host>:<port>`. */
export function originUrl(protocol: OriginProtocol, host: string, port: number): string {
  return `${protocol}://${host}:${port}`;
}
