// The two egress rules every cloudflared NetworkPolicy carries, written out as the API server holds them: the
// expectation the render tests and the e2e test check the policy against (not derived from the code under test).
export const DNS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};
export const EDGE_RULE = {
  to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
  ports: [
    { protocol: 'TCP', port: 7844 },
    { protocol: 'UDP', port: 7844 },
  ],
};
