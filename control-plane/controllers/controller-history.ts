// ControllerRevisions: the rollout history of StatefulSets and DaemonSets (upstream
// controller/history). Each revision stores the part of the owner that a rollout changes (the
// pod template, as a strategic-merge patch with `$patch: replace`, which is what
// `kubectl rollout undo` applies) under `<owner>-<hash>`, numbered in the order they were used.
import { isAlreadyExists, isNotFound, type Client, type KubeObject } from '../../api/client/index.ts';
import type { ControllerRevision, PodTemplateSpec } from '../../api/types/index.ts';
import type { Kube } from './controller.ts';
import { controllerRefOf, newControllerRef } from './controller-ref.ts';
import { canonicalJson, computeHash } from './hash.ts';

export type Revision = Kube<ControllerRevision>;

/** Label carrying the hash on a ControllerRevision (upstream ControllerRevisionHashLabel). */
export const revisionHashLabel = 'controller.kubernetes.io/hash';
/** Label carrying the revision on pods. */
export const podRevisionLabel = 'controller-revision-hash';

/** What a revision stores for an owner with this template. */
export function revisionData(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

/** The template a revision stores. */
export function templateOf(rev: Revision | undefined): PodTemplateSpec | undefined {
  const t = (rev?.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec
    ?.template;
  if (!t) return undefined;
  const { $patch: _patch, ...rest } = t;
  return rest;
}

export const sameData = (a: Revision, data: unknown) => canonicalJson(a.data) === canonicalJson(data);

export interface SyncRevisionsOptions {
  client: Client;
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  /** Revisions the owner controls (claimed already), any order. */
  revisions: Revision[];
  template: PodTemplateSpec | undefined;
  collisionCount: number;
}

/**
 * The revision for the current template: an existing one with equal data (renumbered to the
 * newest if it was an older one: a rollback), or a new one numbered max + 1.
 */
export async function ensureRevision(
  o: SyncRevisionsOptions,
): Promise<{ revision: Revision; collisionCount: number }> {
  const data = revisionData(o.template);
  const ns = o.owner.metadata!.namespace!;
  const client = o.client.resource<Revision>('apps/v1', 'ControllerRevision').namespace(ns);
  const max = Math.max(0, ...o.revisions.map((r) => r.revision ?? 0));
  const sorted = [...o.revisions].sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
  const equal = sorted.find((r) => sameData(r, data));
  if (equal) {
    if ((equal.revision ?? 0) === max) return { revision: equal, collisionCount: o.collisionCount };
    const updated = await client.update({ ...structuredClone(equal), revision: max + 1 });
    return { revision: updated, collisionCount: o.collisionCount };
  }
  let collisionCount = o.collisionCount;
  for (;;) {
    const hash = computeHash(o.template, collisionCount);
    const name = `${o.owner.metadata!.name}-${hash}`;
    const rev: Revision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ns,
        labels: { ...o.template?.metadata?.labels, [revisionHashLabel]: hash },
        ownerReferences: [newControllerRef(o.owner, o.ownerApiVersion, o.ownerKind)],
      },
      data,
      revision: max + 1,
    };
    try {
      return { revision: await client.create(rev), collisionCount };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await client.get(name);
      if (controllerRefOf(existing)?.uid === o.owner.metadata?.uid && sameData(existing, data)) {
        const updated =
          existing.revision === max + 1 ? existing : await client.update({ ...existing, revision: max + 1 });
        return { revision: updated, collisionCount };
      }
      collisionCount++;
    }
  }
}

/** Delete the oldest revisions no pod uses beyond `limit` (upstream truncateHistory). */
export async function truncateHistory(
  client: Client,
  revisions: Revision[],
  live: Set<string>,
  limit: number,
): Promise<void> {
  const old = revisions
    .filter((r) => !live.has(r.metadata!.name!))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) {
    try {
      await client
        .resource('apps/v1', 'ControllerRevision')
        .namespace(r.metadata!.namespace!)
        .delete(r.metadata!.name!, { preconditions: { uid: r.metadata!.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
