// Reflectors shared across controllers: one per (resource type, namespace, label selector), so two controllers
// watching Secrets open one watch and share one cache.
import type { KubernetesObject } from '@kubernetes/client-node';
import { resourceId, type ResourceType } from '../runtime/kube-client.js';
import type { Reflector } from '../runtime/reflector.js';
import type { CacheReader } from './types.js';

export interface WatchOptions {
  labelSelector?: string;
  cache?: 'full' | 'metadata';
}

function watchId(type: ResourceType, namespace: string | undefined, options: WatchOptions): string {
  return `${resourceId(type)}|${namespace ?? '*'}|${options.labelSelector ?? ''}`;
}

type ReflectorFactory = (type: ResourceType, namespace: string | undefined, options: WatchOptions) => Reflector;

export class WatchRegistry implements CacheReader {
  private readonly types = new Map<string, ResourceType>();
  private readonly reflectors = new Map<string, { type: ResourceType; reflector: Reflector }>();
  /** Cache mode per watch: 'full' if any registration asks for it. */
  private readonly planned = new Map<string, 'full' | 'metadata'>();

  constructor(private readonly factory: ReflectorFactory) {}

  /** Makes a type known so that watchResource(group, version, plural) can find its kind and scope. */
  declare(type: ResourceType): void {
    const id = resourceId(type);
    const known = this.types.get(id);
    if (known && (known.kind !== type.kind || known.namespaced !== type.namespaced)) {
      throw new Error(`resource ${id} declared twice with different kind or scope`);
    }
    this.types.set(id, type);
  }

  typeOf(group: string, version: string, plural: string): ResourceType {
    const id = resourceId({ group, version, plural, kind: '', namespaced: false });
    const type = this.types.get(id);
    if (!type) throw new Error(`resource ${id} was not declared before watching it`);
    return type;
  }

  /** Announces a watch before any is started, so that a shared watch caches in full if anyone needs it. */
  plan(type: ResourceType, namespace: string | undefined, options: WatchOptions): void {
    this.declare(type);
    const id = watchId(type, namespace, options);
    if (this.planned.get(id) !== 'full') this.planned.set(id, options.cache ?? 'metadata');
  }

  /** The reflector for this watch, created on first use. */
  ensure(type: ResourceType, namespace: string | undefined, options: WatchOptions): Reflector {
    const id = watchId(type, namespace, options);
    const existing = this.reflectors.get(id);
    if (existing) return existing.reflector;
    const cache = this.planned.get(id) === 'full' || options.cache === 'full' ? 'full' : 'metadata';
    const reflector = this.factory(type, namespace, { ...options, cache });
    this.reflectors.set(id, { type, reflector });
    return reflector;
  }

  private of(type: ResourceType): Reflector[] {
    const id = resourceId(type);
    return [...this.reflectors.values()].filter((r) => resourceId(r.type) === id).map((r) => r.reflector);
  }

  keys(type: ResourceType): string[] {
    return [...new Set(this.of(type).flatMap((r) => r.keys()))];
  }

  get(type: ResourceType, key: string): KubernetesObject | undefined {
    for (const reflector of this.of(type)) {
      const object = reflector.get(key);
      if (object) return object;
    }
    return undefined;
  }

  list(type: ResourceType): KubernetesObject[] {
    return this.of(type).flatMap((r) => r.list());
  }

  hasSynced(): boolean {
    return [...this.reflectors.values()].every((r) => r.reflector.hasSynced());
  }

  /** Resolves once every watch has completed its first list; rejects when `signal` aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.reflectors.values()].map((r) => r.reflector.whenSynced(signal)));
  }

  unsynced(): string[] {
    return [...this.reflectors.values()].filter((r) => !r.reflector.hasSynced()).map((r) => r.reflector.name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.reflectors.values()].map((r) => r.reflector.stop()));
  }
}
