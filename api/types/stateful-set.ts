// apps/v1 StatefulSet: pods with stable identities and storage.
import type { IntOrString } from '../intstr.ts';
import type { LabelSelector, ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { PodTemplateSpec } from './pod.ts';
import type { PersistentVolumeClaim } from './persistent-volume.ts';

export interface RollingUpdateStatefulSetStrategy {
  /** Ordinal at which the update is partitioned; pods below it keep the old revision; defaults to 0. */
  partition?: number;
  /** Pods that may be unavailable during the update (alpha); defaults to 1. */
  maxUnavailable?: IntOrString;
}

export interface StatefulSetUpdateStrategy {
  /** RollingUpdate or OnDelete; defaults to RollingUpdate. */
  type?: 'RollingUpdate' | 'OnDelete';
  /** Parameters of a rolling update. */
  rollingUpdate?: RollingUpdateStatefulSetStrategy;
}

export interface StatefulSetPersistentVolumeClaimRetentionPolicy {
  /** Retain or Delete the claims when the StatefulSet is deleted; defaults to Retain. */
  whenDeleted?: 'Retain' | 'Delete';
  /** Retain or Delete the claims of pods removed by scale-down; defaults to Retain. */
  whenScaled?: 'Retain' | 'Delete';
}

export interface StatefulSetOrdinals {
  /** Number of the first replica's index; defaults to 0. */
  start?: number;
}

export interface StatefulSetSpec {
  /** Desired number of pods; defaults to 1. */
  replicas?: number;
  /** Label query over the pods; must match the template's labels. */
  selector: LabelSelector;
  /** Template of the pods. */
  template: PodTemplateSpec;
  /** Claims each pod gets, named `<claim>-<statefulset>-<ordinal>`. */
  volumeClaimTemplates?: PersistentVolumeClaim[];
  /** Headless service that gives the pods their DNS names. */
  serviceName?: string;
  /** OrderedReady or Parallel; defaults to OrderedReady. */
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** How pods are updated when the template changes. */
  updateStrategy?: StatefulSetUpdateStrategy;
  /** ControllerRevisions kept in history; defaults to 10. */
  revisionHistoryLimit?: number;
  /** Seconds a new pod must be ready before it counts as available. */
  minReadySeconds?: number;
  /** What happens to the claims on deletion and scale-down. */
  persistentVolumeClaimRetentionPolicy?: StatefulSetPersistentVolumeClaimRetentionPolicy;
  /** Numbering of the replicas. */
  ordinals?: StatefulSetOrdinals;
}

export interface StatefulSetCondition {
  /** Condition type. */
  type: string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** Last time the condition changed status. */
  lastTransitionTime?: Time;
  /** CamelCase reason. */
  reason?: string;
  /** Human-readable details. */
  message?: string;
}

export interface StatefulSetStatus {
  /**
   * The generation observed by the controller.
   * @format int64
   */
  observedGeneration?: number;
  /** Pods created by the controller. */
  replicas: number;
  /** Pods with a Ready condition. */
  readyReplicas?: number;
  /** Pods at currentRevision. */
  currentReplicas?: number;
  /** Pods at updateRevision. */
  updatedReplicas?: number;
  /** Revision of the pods below the partition. */
  currentRevision?: string;
  /** Revision being rolled out. */
  updateRevision?: string;
  /** Counter for hash collisions of revision names. */
  collisionCount?: number;
  /**
   * Current conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: StatefulSetCondition[];
  /** Pods available for at least minReadySeconds. */
  availableReplicas?: number;
}

/** StatefulSet represents a set of pods with consistent identities: a stable DNS name and hostname, and as many volume claims as requested, each network identity always mapped to the same storage. */
export interface StatefulSet extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour. */
  spec?: StatefulSetSpec;
  /** Most recently observed status. */
  status?: StatefulSetStatus;
}
