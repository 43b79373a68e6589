// apps/v1 Deployment: declarative rollouts of ReplicaSets.
import type { IntOrString } from '../intstr.ts';
import type { LabelSelector, ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { PodTemplateSpec } from './pod.ts';

export interface RollingUpdateDeployment {
  /** Pods that may be unavailable during the update, number or percent; defaults to 25%. */
  maxUnavailable?: IntOrString;
  /** Pods that may be created above the desired count, number or percent; defaults to 25%. */
  maxSurge?: IntOrString;
}

export interface DeploymentStrategy {
  /** Recreate or RollingUpdate; defaults to RollingUpdate. */
  type?: 'Recreate' | 'RollingUpdate';
  /** Parameters of a rolling update. */
  rollingUpdate?: RollingUpdateDeployment;
}

export interface DeploymentSpec {
  /** Desired number of pods; defaults to 1. */
  replicas?: number;
  /** Label query over the pods; immutable in apps/v1 and must match the template's labels. */
  selector: LabelSelector;
  /** Template of the pods. */
  template: PodTemplateSpec;
  /** How old pods are replaced by new ones. */
  strategy?: DeploymentStrategy;
  /** Seconds a new pod must be ready before it counts as available; defaults to 0. */
  minReadySeconds?: number;
  /** Old ReplicaSets kept for rollback; defaults to 10. */
  revisionHistoryLimit?: number;
  /** Whether the deployment is paused. */
  paused?: boolean;
  /** Seconds without progress before the rollout is reported failed; defaults to 600. */
  progressDeadlineSeconds?: number;
}

export interface DeploymentCondition {
  /** Available, Progressing or ReplicaFailure. */
  type: 'Available' | 'Progressing' | 'ReplicaFailure' | string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** Last time the condition was updated. */
  lastUpdateTime?: Time;
  /** Last time the condition changed status. */
  lastTransitionTime?: Time;
  /** CamelCase reason, e.g. NewReplicaSetAvailable. */
  reason?: string;
  /** Human-readable details. */
  message?: string;
}

export interface DeploymentStatus {
  /**
   * The generation observed by the controller.
   * @format int64
   */
  observedGeneration?: number;
  /** Non-terminated pods targeted by the deployment. */
  replicas?: number;
  /** Non-terminated pods with the desired template. */
  updatedReplicas?: number;
  /** Pods with a Ready condition. */
  readyReplicas?: number;
  /** Pods available for at least minReadySeconds. */
  availableReplicas?: number;
  /** Pods still needed for 100% capacity. */
  unavailableReplicas?: number;
  /**
   * Current conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: DeploymentCondition[];
  /** Counter for hash collisions of ReplicaSet names. */
  collisionCount?: number;
}

/** Deployment enables declarative updates for Pods and ReplicaSets. */
export interface Deployment extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour of the deployment. */
  spec?: DeploymentSpec;
  /** Most recently observed status. */
  status?: DeploymentStatus;
}
