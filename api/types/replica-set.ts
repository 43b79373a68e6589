// apps/v1 ReplicaSet: keeps a number of identical pods running.
import type { LabelSelector, ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { PodTemplateSpec } from './pod.ts';

export interface ReplicaSetSpec {
  /** Desired number of pods; defaults to 1. */
  replicas?: number;
  /** Seconds a new pod must be ready before it counts as available. */
  minReadySeconds?: number;
  /** Label query over the pods; must match the template's labels. */
  selector: LabelSelector;
  /** Template of the pods. */
  template?: PodTemplateSpec;
}

export interface ReplicaSetCondition {
  /** ReplicaFailure. */
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

export interface ReplicaSetStatus {
  /** Most recently observed number of pods. */
  replicas: number;
  /** Pods whose labels match the template's. */
  fullyLabeledReplicas?: number;
  /** Pods with a Ready condition. */
  readyReplicas?: number;
  /** Pods available for at least minReadySeconds. */
  availableReplicas?: number;
  /**
   * The generation observed by the controller.
   * @format int64
   */
  observedGeneration?: number;
  /**
   * Current conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: ReplicaSetCondition[];
}

/** ReplicaSet ensures that a specified number of pod replicas are running at any given time. */
export interface ReplicaSet extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour. */
  spec?: ReplicaSetSpec;
  /** Most recently observed status. */
  status?: ReplicaSetStatus;
}
