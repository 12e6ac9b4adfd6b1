// Where a Service's traffic goes: the Service port a route uses, and the origin URL cloudflared connects to.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { OriginProtocol } from '../api/annotations.js';
import { quote } from '../api/quote.js';
import { normalizeHostname } from '../cloudflare/index.js';
import type { PortProtocol, RouteBackend } from '../render/network-policy.js';
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

/** Why no pod selector names the Service's endpoints; undefined when its selector does. */
function unselectableReason(service: V1Service): string | undefined {
  const spec = service.spec ?? {};
  if (spec.type === 'ExternalName') return `an ExternalName Service (${spec.externalName ?? ''}) has no pods to select`;
  if (Object.keys(spec.selector ?? {}).length === 0) {
    return 'the Service has no pod selector (its endpoints are set by hand)';
  }
  return undefined;
}

/** The port on the pods: the targetPort (a name stays a name), for a headless Service the port cloudflared dials. */
function podPort(service: V1Service, chosen: ChosenPort): number | string {
  if (service.spec?.clusterIP === 'None') return originPort(service, chosen);
  return chosen.servicePort?.targetPort ?? chosen.port;
}

/**
 * The pods and port the origin's connections land on, as a NetworkPolicy names them. An ExternalName Service or
 * one without a selector (endpoints managed by hand) has no pods to select; `source` names it then.
 */
export function originBackend(service: V1Service, chosen: ChosenPort, source: string): RouteBackend {
  const namespace = service.metadata?.namespace ?? '';
  const reason = unselectableReason(service);
  if (reason) return { kind: 'unselectable', source, reason };
  const protocol = (chosen.servicePort?.protocol ?? 'TCP') as PortProtocol;
  return { kind: 'pods', namespace, selector: { ...service.spec?.selector }, port: podPort(service, chosen), protocol };
}
