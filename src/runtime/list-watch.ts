// The real ListWatchSource: paginated list through our REST client, watch through client-node 2.x's Watch.
import { Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { apiStatusCode } from './errors.js';
import { apiVersionOf, resourcePath, ResourceClient, type ResourceType } from './kube-client.js';
import { GoneError, type ListResult, type ListWatchSource } from './reflector.js';

export interface ListWatchOptions {
  type: ResourceType;
  /** Unset: all namespaces (or a cluster-scoped type). */
  namespace?: string;
  labelSelector?: string;
  pageSize?: number;
  /** Server-side watch timeout; randomised per watch so that watches do not all reconnect at once. */
  watchTimeoutSeconds?: () => number;
}

/** The status code of a failed watch request (client-node's Watch puts it on `statusCode`). */
function watchStatusCode(err: unknown): number | undefined {
  const api = apiStatusCode(err);
  if (api !== undefined) return api;
  if (typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number') {
    return err.statusCode;
  }
  return undefined;
}

/**
 * The token for the next page. Our client returns the API server's JSON as it is, where the field is `continue`;
 * client-node's typed models call it `_continue` (a reserved word in their generator), so reading only that one saw
 * the first page alone: a cluster with more than a page of Services looked like it had 500.
 */
export function continueTokenOf(list: KubernetesListObject<KubernetesObject>): string | undefined {
  const metadata: { continue?: string; _continue?: string } | undefined = list.metadata;
  return metadata?.continue || metadata?._continue || undefined;
}

export function kubeListWatch(
  kubeConfig: KubeConfig,
  client: ResourceClient,
  options: ListWatchOptions,
): ListWatchSource {
  const { type, namespace, labelSelector } = options;
  const watcher = new Watch(kubeConfig);
  const timeout = options.watchTimeoutSeconds ?? ((): number => 300 + Math.floor(Math.random() * 300));
  return {
    async list(signal: AbortSignal): Promise<ListResult> {
      const items: KubernetesObject[] = [];
      let continueToken: string | undefined;
      let page: KubernetesListObject<KubernetesObject>;
      do {
        try {
          page = await client.list(type, {
            namespace,
            labelSelector,
            limit: options.pageSize ?? 500,
            continueToken,
            signal,
          });
        } catch (err: unknown) {
          // An expired continue token: start the list over.
          if (apiStatusCode(err) === 410) throw new GoneError('list continue token expired', { cause: err });
          throw err;
        }
        // List items carry no apiVersion/kind; stamp them so handlers and the cache see complete objects.
        for (const item of page.items) items.push({ ...item, apiVersion: apiVersionOf(type), kind: type.kind });
        continueToken = continueTokenOf(page);
      } while (continueToken);
      return { items, resourceVersion: page.metadata?.resourceVersion ?? '' };
    },

    watch(resourceVersion, onEvent, signal): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        let controller: AbortController | undefined;
        const onAbort = (): void => controller?.abort();
        const done = (err: unknown): void => {
          signal.removeEventListener('abort', onAbort);
          if (!err || signal.aborted) resolve();
          else if (watchStatusCode(err) === 410) reject(new GoneError(undefined, { cause: err }));
          else reject(err instanceof Error ? err : new Error('watch failed', { cause: err }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        watcher
          .watch(
            resourcePath(type, namespace),
            { resourceVersion, allowWatchBookmarks: true, labelSelector, timeoutSeconds: timeout() },
            (phase: string, object: unknown) => onEvent(phase, object),
            done,
          )
          .then((c) => {
            controller = c;
            if (signal.aborted) c.abort();
          })
          .catch(done);
      });
    },
  };
}
