// storage.k8s.io/v1 StorageClass: how volumes are provisioned dynamically.
import type { ObjectMeta, TypeMeta } from './meta.ts';

export interface TopologySelectorTerm {
  /** Label requirements on topology, ANDed. */
  matchLabelExpressions?: { key: string; values: string[] }[];
}

/** StorageClass describes the parameters for a class of storage for which PersistentVolumes can be dynamically provisioned. */
export interface StorageClass extends TypeMeta {
  /** Standard object metadata; annotation storageclass.kubernetes.io/is-default-class marks the default. */
  metadata?: ObjectMeta;
  /** The provisioner, e.g. rancher.io/local-path; immutable. */
  provisioner: string;
  /** Provisioner parameters; immutable. */
  parameters?: Record<string, string>;
  /** Delete or Retain for provisioned volumes; defaults to Delete; immutable. */
  reclaimPolicy?: 'Delete' | 'Retain';
  /** Mount options of provisioned volumes. */
  mountOptions?: string[];
  /** Whether claims may be expanded. */
  allowVolumeExpansion?: boolean;
  /** Immediate or WaitForFirstConsumer; defaults to Immediate; immutable. */
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  /** Topologies volumes may be provisioned in. */
  allowedTopologies?: TopologySelectorTerm[];
}
