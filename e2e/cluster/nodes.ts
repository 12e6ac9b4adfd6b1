// Registers kwok's fake nodes and waits until kwok reports them Ready (the node lifecycle controller then
// lifts the not-ready taint, so pods can be scheduled).
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { waitFor } from './wait.js';

export async function createFakeNodes(kubeconfigPath: string, nodes: V1Node[]): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  for (const node of nodes) await core.createNode({ body: node });
  const names = nodes.map((node) => node.metadata?.name ?? '');
  await waitFor(
    async () => {
      const list = await core.listNode();
      return names.every((name) => {
        const node = list.items.find((item) => item.metadata?.name === name);
        const ready = node?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        const tainted = (node?.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/'));
        return ready && !tainted;
      });
    },
    { description: `fake nodes ${names.join(', ')} Ready and untainted`, timeoutMs: 60_000 },
  );
}
