/** The operator's own version, reported in logs, metrics and the User-Agent it sends. */
export const OPERATOR_VERSION = '0.1.0';

/** The Kubernetes API group of the custom resources and the prefix of the Service annotations. */
export const API_GROUP = 'cloudflare-operator.io';
