// Service annotations read by the Service controller. The keys are a public API: see docs/api.md.
import { GROUP } from './constants.js';

export const ANNOTATION_PREFIX = `${GROUP}/`;

export const ServiceAnnotation = {
  /** Name of a Tunnel in the Service's namespace. */
  tunnel: `${ANNOTATION_PREFIX}tunnel`,
  /** Name of a ClusterTunnel. Exclusive with `tunnel`. */
  clusterTunnel: `${ANNOTATION_PREFIX}cluster-tunnel`,
  /** Comma-separated hostnames; default `<service>.<zone>` when the tunnel has exactly one zone. */
  hostnames: `${ANNOTATION_PREFIX}hostnames`,
  /** Service port name or number; default the first port. */
  port: `${ANNOTATION_PREFIX}port`,
  /** http|https|tcp|udp|ssh|rdp|smb; default inferred from the port. */
  protocol: `${ANNOTATION_PREFIX}protocol`,
  /** A path regular expression the route is limited to. */
  path: `${ANNOTATION_PREFIX}path`,
  /** JSON object of originRequest options for this Service's routes (see origin-request.ts). */
  originRequest: `${ANNOTATION_PREFIX}origin-request`,
  /** "false": route only, manage no DNS record. */
  dns: `${ANNOTATION_PREFIX}dns`,
} as const;
export type ServiceAnnotation = (typeof ServiceAnnotation)[keyof typeof ServiceAnnotation];

export const ORIGIN_PROTOCOLS = ['http', 'https', 'tcp', 'udp', 'ssh', 'rdp', 'smb'] as const;
export type OriginProtocol = (typeof ORIGIN_PROTOCOLS)[number];
