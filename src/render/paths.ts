// Where cloudflared finds its files inside the pod. The config, the credentials and the CA bundle are
// separate read-only volumes, so each can change on its own.
import { METRICS_PORT } from '../api/constants.js';

/** The metrics (and `/ready`) listen address, on all interfaces so that the kubelet can probe it. */
export const METRICS_ADDRESS = `0.0.0.0:${METRICS_PORT}`;

export const CONFIG_DIR = '/etc/cloudflared/config';
export const CONFIG_FILE = 'config.yaml';
export const CONFIG_PATH = `${CONFIG_DIR}/${CONFIG_FILE}`;

export const CREDENTIALS_DIR = '/etc/cloudflared/creds';
export const CREDENTIALS_FILE = 'credentials.json';
export const CREDENTIALS_PATH = `${CREDENTIALS_DIR}/${CREDENTIALS_FILE}`;
/** Key of the tunnel token in the credentials Secret (`cloudflare` mode). */
export const TOKEN_KEY = 'token';

export const CA_POOL_DIR = '/etc/cloudflared/ca';
export const CA_POOL_FILE = 'ca.crt';
export const CA_POOL_PATH = `${CA_POOL_DIR}/${CA_POOL_FILE}`;
