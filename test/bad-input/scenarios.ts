// The catalogue's cases that are whole scenarios rather than rows of a table: each names the test that plays it
// (its title is the scenario's name, so the catalogue check can find it in that file).

export type Outcome = 'refused' | 'reported' | 'accepted';

export interface ScenarioCase {
  /** The case, and the title of the test that plays it. */
  name: string;
  input: string;
  outcome: Outcome;
  /** Where it is refused, or how it is reported (condition, reason, Event), or what is done with it. */
  where: string;
  /** The field or annotation named, or what the test checks besides. */
  field: string;
  /** The file holding the test, from the repository root. */
  file: string;
}

const BAD_INPUT = 'e2e/services/bad-input.e2e.test.ts';
const EXPOSE = 'e2e/services/expose.e2e.test.ts';
const MODES = 'e2e/tunnel/modes.e2e.test.ts';
const CREDENTIALS = 'test/contract/credentials.test.ts';

/** Keys are how tests refer to a scenario: `it(scenarios.apex.name, …)`. */
export const scenarios = {
  unicodeHostname: {
    name: 'a Unicode hostname is published in punycode',
    input: 'Service',
    outcome: 'accepted',
    where: 'converted: rule, record and status use `xn--bcher-kva.example.com`',
    field: 'hostnames',
    file: BAD_INPUT,
  },
  punycodeTwin: {
    name: 'the same hostname written in punycode by another Service conflicts with it',
    input: 'Service',
    outcome: 'reported',
    where: 'route Conflict + Warning `HostnameConflict` on the Service',
    field: 'hostnames (names the older Service)',
    file: BAD_INPUT,
  },
  apex: {
    name: 'the zone apex gets a proxied CNAME (flattened by Cloudflare)',
    input: 'Service',
    outcome: 'accepted',
    where: 'proxied CNAME at the apex',
    field: 'hostnames',
    file: BAD_INPUT,
  },
  apexTaken: {
    name: 'an apex that holds an A record is a conflict and the record is left alone',
    input: 'Service',
    outcome: 'reported',
    where: 'route Conflict + `DNSReady=False RecordConflict`',
    field: 'hostnames (names the A record)',
    file: BAD_INPUT,
  },
  apexWithMail: {
    name: 'an apex held by records of other types is a conflict whose message does not promise adoption',
    input: 'Cloudflare zone',
    outcome: 'reported',
    where: 'route Conflict: delete the records by hand (contract)',
    field: 'hostnames (names the MX record)',
    file: 'test/contract/dns-step.test.ts',
  },
  numericPortName: {
    name: 'a port named like a number is found by that name',
    input: 'Service',
    outcome: 'accepted',
    where: 'origin uses the named port',
    field: 'port',
    file: BAD_INPUT,
  },
  externalName: {
    name: 'an ExternalName Service without ports routes to its external name with the port annotation',
    input: 'Service',
    outcome: 'accepted',
    where: 'origin `tcp://db.internal.example.net:5432`',
    field: 'port',
    file: BAD_INPUT,
  },
  headless: {
    name: 'a headless Service routes to the pods target port',
    input: 'Service',
    outcome: 'accepted',
    where: 'origin uses the numeric targetPort',
    field: 'port',
    file: BAD_INPUT,
  },
  manyHostnames: {
    name: '200 hostnames on one Service are published in one DNS batch',
    input: 'Service',
    outcome: 'accepted',
    where: '200 records, at most 2 batch calls, none for other names',
    field: 'hostnames',
    file: BAD_INPUT,
  },
  acrossNamespaces: {
    name: 'a hostname claimed from two namespaces goes to the older claim',
    input: 'Service',
    outcome: 'reported',
    where: 'route Conflict + Warning `HostnameConflict`; the record keeps its tunnel',
    field: 'hostnames (names the older Service)',
    file: BAD_INPUT,
  },
  acrossKinds: {
    name: 'a hostname claimed through a Tunnel and a ClusterTunnel goes to the older claim',
    input: 'Service',
    outcome: 'reported',
    where: 'route Conflict + Warning `HostnameConflict`; the record keeps its tunnel',
    field: 'hostnames (names the older Service)',
    file: BAD_INPUT,
  },
  configTooLarge: {
    name: 'routes whose config.yaml outgrows a ConfigMap are refused whole',
    input: 'Service (local-mode Tunnel)',
    outcome: 'reported',
    where: '`ConfigReady=False ConfigTooLarge` + Warning; ConfigMap and DNS untouched',
    field: 'config.yaml size',
    file: BAD_INPUT,
  },
  twoThousandServices: {
    name: '2,000 Services with ordinary hostnames fit in one ConfigMap',
    input: 'Services (local-mode Tunnel)',
    outcome: 'accepted',
    where: 'size guard (unit)',
    field: 'config.yaml size',
    file: 'src/controllers/tunnel/config-size.test.ts',
  },
  twoThousandLongServices: {
    name: '2,000 Services with long paths do not: the problem gives the size and the ways out',
    input: 'Services (local-mode Tunnel)',
    outcome: 'reported',
    where: 'size guard (unit): `ConfigTooLarge`',
    field: 'config.yaml size',
    file: 'src/controllers/tunnel/config-size.test.ts',
  },
  swappedAccount: {
    name: 'a credentials Secret swapped to another account token writes nothing anywhere',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False PermissionDenied` + Warning; no write, nothing deleted',
    field: 'the Secret key `apiToken`',
    file: BAD_INPUT,
  },
  secretDeletedInUse: {
    name: 'a credentials Secret deleted while its Tunnel uses it stays until the Tunnel is gone',
    input: 'Secret',
    outcome: 'accepted',
    where: 'finalizer `cloudflare-operator.io/credentials-in-use`; the Tunnel still serves and cleans up',
    field: 'the Secret',
    file: BAD_INPUT,
  },
  keyMissing: {
    name: 'a credentials Secret without the token key is reported without calling Cloudflare',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False SecretKeyMissing` + Warning',
    field: 'the Secret key `apiToken`',
    file: BAD_INPUT,
  },
  tokenWithSpace: {
    name: 'a token with a space inside is reported without calling Cloudflare',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False InvalidCredentials` + Warning',
    field: 'the Secret key `apiToken`',
    file: BAD_INPUT,
  },
  namespaceDeleted: {
    name: 'a namespace deleted with live routes goes away and takes its records and tunnel along',
    input: 'Namespace',
    outcome: 'accepted',
    where: 'the credentials Secret is held (finalizer) until the Tunnel is cleaned up',
    field: 'records, tunnel, namespace gone',
    file: BAD_INPUT,
  },
  crowdedZone: {
    name: 'a zone with 10,000 records is paged through and none of them is touched',
    input: 'Cloudflare zone',
    outcome: 'accepted',
    where: '10 list pages per pass; one batch, for our record only',
    field: 'DNS records',
    file: BAD_INPUT,
  },
  tunnelNotFound: {
    name: 'a Service naming a Tunnel that does not exist gets a Warning, and is picked up when the Tunnel appears',
    input: 'Service',
    outcome: 'reported',
    where: 'Warning `TunnelNotFound` on the Service',
    field: 'tunnel',
    file: EXPOSE,
  },
  olderClaim: {
    name: 'the oldest claim wins a hostname; the loser is Conflict with a Warning and takes over when the winner goes',
    input: 'Service',
    outcome: 'reported',
    where: 'route Conflict + Warning `HostnameConflict`',
    field: 'hostnames',
    file: EXPOSE,
  },
  foreignRecords: {
    name: 'leaves a foreign-owner record and an unmanaged record alone, and says why',
    input: 'Cloudflare zone',
    outcome: 'reported',
    where: 'route Conflict + `DNSReady=False RecordConflict`',
    field: 'hostnames',
    file: EXPOSE,
  },
  secretNotFound: {
    name: 'reports SecretNotFound with a Warning Event and calls Cloudflare not at all',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False SecretNotFound` + Warning',
    field: 'spec.cloudflare.credentialsSecretRef',
    file: MODES,
  },
  secretGoneBeforeDeletion: {
    name: 'deleting a Tunnel whose credentials were removed is blocked, and completes once they are restored',
    input: 'Secret',
    outcome: 'reported',
    where: '`Ready=False DeletionBlocked` + Warning',
    field: 'spec.cloudflare.credentialsSecretRef',
    file: MODES,
  },
  unknownToken: {
    name: 'reports InvalidCredentials and writes nothing to Cloudflare',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False InvalidCredentials`',
    field: 'the Secret key `apiToken`',
    file: MODES,
  },
  malformedToken: {
    name: 'a token not in the token format (400 / 6003): InvalidCredentials, not AccountAmbiguous',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False InvalidCredentials` (contract)',
    field: 'the Secret key `apiToken`',
    file: CREDENTIALS,
  },
  accountOwnedToken: {
    name: 'an account-owned token cannot list accounts (1001): PermissionDenied pointing at accountId',
    input: 'Secret + Tunnel',
    outcome: 'reported',
    where: '`CredentialsValid=False PermissionDenied` (contract)',
    field: 'spec.cloudflare.accountName',
    file: CREDENTIALS,
  },
  tokenWithoutTunnelEdit: {
    name: 'a valid token without Cloudflare Tunnel Edit: PermissionDenied naming that permission',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False PermissionDenied` (contract)',
    field: 'the token permissions',
    file: CREDENTIALS,
  },
  ipRestrictedToken: {
    name: 'an IP-restricted token (403 / 9109): PermissionDenied',
    input: 'Secret',
    outcome: 'reported',
    where: '`CredentialsValid=False PermissionDenied` (contract)',
    field: 'the token IP filter',
    file: CREDENTIALS,
  },
} satisfies Record<string, ScenarioCase>;
