// Chart values of the catalogue that the chart's values.schema.json refuses: `helm template` (and so install and
// upgrade) fails with a message naming the value. e2e/chart/template.e2e.test.ts renders every one of them.

export interface ChartValuesCase {
  name: string;
  /** `--set` arguments, after `ownerId=c1`. */
  sets: string[];
  /** A fragment of helm's message: the JSON pointer of the refused value. */
  refusedWith: string;
}

const ACCOUNT = '0123456789abcdef0123456789abcdef';

export const refusedValues: ChartValuesCase[] = [
  {
    name: 'a token and an existing Secret',
    sets: ['cloudflare.apiToken=a', 'cloudflare.existingSecret=b'],
    refusedWith: '/cloudflare',
  },
  {
    name: 'a token and a global key',
    sets: ['cloudflare.apiToken=a', 'cloudflare.apiKey=b', 'cloudflare.email=c@d.e'],
    refusedWith: '/cloudflare',
  },
  { name: 'a global key without email', sets: ['cloudflare.apiKey=a'], refusedWith: '/cloudflare' },
  {
    name: 'a ClusterTunnel without credentials',
    sets: ['clusterTunnel.enabled=true', `clusterTunnel.accountId=${ACCOUNT}`],
    refusedWith: 'cloudflare',
  },
  {
    name: 'a ClusterTunnel with no account',
    sets: ['cloudflare.apiToken=a', 'clusterTunnel.enabled=true'],
    refusedWith: 'clusterTunnel',
  },
  {
    name: 'a ClusterTunnel with both account forms',
    sets: [
      'cloudflare.apiToken=a',
      'clusterTunnel.enabled=true',
      `clusterTunnel.accountId=${ACCOUNT}`,
      'clusterTunnel.accountName=x',
    ],
    refusedWith: 'clusterTunnel',
  },
  { name: 'a zone that is not a DNS name', sets: ['clusterTunnel.zones={Not A Zone}'], refusedWith: 'zones' },
  { name: 'a cluster domain that is not a DNS name', sets: ['clusterDomain=bad_domain'], refusedWith: 'clusterDomain' },
  { name: 'no ownerId', sets: ['ownerId='], refusedWith: '/ownerId' },
  { name: 'an ownerId with a space', sets: ['ownerId=my cluster'], refusedWith: '/ownerId' },
  { name: 'more than 5 operator replicas', sets: ['replicas=6'], refusedWith: '/replicas' },
  { name: 'a heap limit too small to run in (MiB)', sets: ['heapLimit=32'], refusedWith: '/heapLimit' },
  { name: 'an unknown value (a typo)', sets: ['replicaCount=2'], refusedWith: "'replicaCount' not allowed" },
  { name: 'an unknown log level', sets: ['logLevel=trace'], refusedWith: '/logLevel' },
  { name: 'a watched namespace in upper case', sets: ['watchNamespaces={Shop}'], refusedWith: '/watchNamespaces/0' },
  { name: 'a metrics port above 65535', sets: ['metrics.port=70000'], refusedWith: '/metrics/port' },
  {
    name: 'an API base URL without a scheme',
    sets: ['cloudflare.apiBaseUrl=api.cloudflare.com'],
    refusedWith: '/cloudflare/apiBaseUrl',
  },
  {
    name: 'a lease duration without a unit',
    sets: ['leaderElection.leaseDuration=15'],
    refusedWith: '/leaderElection/leaseDuration',
  },
];
