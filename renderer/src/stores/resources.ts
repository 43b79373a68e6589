// One Pinia store per resource type, shared by every screen: list, then watch from the list's
// resourceVersion, resuming from the last version seen after a dropped connection and listing
// again only on 410 Gone. Events are collected and applied once per animation frame, and the
// items array is replaced (not deeply reactive), so a burst of watch events costs one render.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { listPages, streamLines, type KubeObject } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import { collectionPath, kinds, type KindName } from '../api/resource-kinds.ts';
import { WatchCache, type WatchEvent } from '../api/watch-cache.ts';

const pageSize = 500;

const nextFrame = (fn: () => void) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(fn) : setTimeout(fn, 16);

function defineResourceStore<T extends KubeObject>(name: KindName) {
  return defineStore(`resources/${name}`, () => {
    const kind = kinds[name];
    const cache = new WatchCache<T>();
    const items = shallowRef<T[]>([]);
    const loaded = ref(false);
    const error = ref<string>('');
    /** 'connecting' until the first list, 'live' while watching, 'reconnecting' in between. */
    const state = ref<'idle' | 'connecting' | 'live' | 'reconnecting'>('idle');
    let pending: WatchEvent<T>[] = [];
    let flushScheduled = false;
    let abort: AbortController | undefined;
    let started = false;

    const publish = () => {
      items.value = Array.from(cache.objects.values());
    };

    const flush = () => {
      flushScheduled = false;
      const batch = pending;
      pending = [];
      if (!cache.apply(batch)) {
        // Too old to resume: the next loop lists again.
        cache.resourceVersion = '';
        abort?.abort();
      }
      publish();
    };

    const onLine = (line: string) => {
      let event: WatchEvent<T>;
      try {
        event = JSON.parse(line) as WatchEvent<T>;
      } catch {
        return;
      }
      pending.push(event);
      if (!flushScheduled) {
        flushScheduled = true;
        nextFrame(flush);
      }
    };

    /**
     * Lists in pages of 500 (as informers do), asking for each next page while the last one is
     * taken in. Until the first list is complete each page shows as it comes, so a screen of
     * 5,000 pods has rows after the first page and stays usable while the rest arrives.
     */
    async function relist() {
      const apiVersion = kind.group ? `${kind.group}/${kind.version}` : kind.version;
      let first = true;
      for await (const page of listPages<T>(collectionPath(kind), pageSize)) {
        // Lists leave out each item's kind; the parsed objects are ours to complete.
        for (const i of page.items) {
          i.kind = kind.kind;
          i.apiVersion = apiVersion;
        }
        const last = !page.metadata.continue;
        const changed = cache.addPage({
          items: page.items,
          resourceVersion: page.metadata.resourceVersion,
          first,
          last,
        });
        first = false;
        if (changed) {
          publish();
          loaded.value = true;
        }
      }
    }

    async function run() {
      let failures = 0;
      while (started) {
        try {
          if (!cache.resourceVersion) await relist();
          state.value = 'live';
          error.value = '';
          abort = new AbortController();
          const q = new URLSearchParams({
            watch: '1',
            resourceVersion: cache.resourceVersion,
            allowWatchBookmarks: 'true',
          });
          await streamLines(`${collectionPath(kind)}?${q}`, onLine, abort.signal);
          failures = 0;
        } catch (err) {
          if (!started) return;
          if (err instanceof ApiError && err.code === 410) cache.resourceVersion = '';
          else if (!(err instanceof DOMException && err.name === 'AbortError')) {
            failures++;
            error.value = err instanceof Error ? err.message : String(err);
          }
        }
        if (!started) return;
        state.value = 'reconnecting';
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** failures, 10_000)));
      }
    }

    /** Starts the shared list+watch (idempotent: the first screen that needs it starts it). */
    function ensure() {
      if (started) return;
      started = true;
      state.value = 'connecting';
      void run();
    }

    function stop() {
      started = false;
      abort?.abort();
      state.value = 'idle';
    }

    const byKey = computed(() => {
      const m = new Map<string, T>();
      for (const i of items.value)
        m.set(i.metadata.namespace ? `${i.metadata.namespace}/${i.metadata.name}` : i.metadata.name, i);
      return m;
    });

    return { kind, items, byKey, loaded, error, state, ensure, stop };
  });
}

import type {
  DaemonSet,
  Deployment,
  Event,
  Job,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  StatefulSet,
} from '../../../api/types/index.ts';

type K<T> = T & KubeObject;

export const useNodes = defineResourceStore<K<Node>>('nodes');
export const useNamespaces = defineResourceStore<K<Namespace>>('namespaces');
export const usePods = defineResourceStore<K<Pod>>('pods');
export const useEvents = defineResourceStore<K<Event>>('events');
export const useDeployments = defineResourceStore<K<Deployment>>('deployments');
export const useStatefulSets = defineResourceStore<K<StatefulSet>>('statefulsets');
export const useDaemonSets = defineResourceStore<K<DaemonSet>>('daemonsets');
export const useReplicaSets = defineResourceStore<K<ReplicaSet>>('replicasets');
export const useJobs = defineResourceStore<K<Job>>('jobs');
