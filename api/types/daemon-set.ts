// apps/v1 DaemonSet: one pod per (eligible) node.
import type { IntOrString } from '../intstr.ts';
import type { LabelSelector, ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { PodTemplateSpec } from './pod.ts';

export interface RollingUpdateDaemonSet {
  /** Nodes whose pod may be unavailable during the update; defaults to 1. */
  maxUnavailable?: IntOrString;
  /** Nodes that may run an old and a new pod at once during the update; defaults to 0. */
  maxSurge?: IntOrString;
}

export interface DaemonSetUpdateStrategy {
  /** RollingUpdate or OnDelete; defaults to RollingUpdate. */
  type?: 'RollingUpdate' | 'OnDelete';
  /** Parameters of a rolling update. */
  rollingUpdate?: RollingUpdateDaemonSet;
}

export interface DaemonSetSpec {
  /** Label query over the pods; must match the template's labels. */
  selector: LabelSelector;
  /** Template of the pods. */
  template: PodTemplateSpec;
  /** How pods are replaced when the template changes. */
  updateStrategy?: DaemonSetUpdateStrategy;
  /** Seconds a new pod must be ready before it counts as available. */
  minReadySeconds?: number;
  /** ControllerRevisions kept in history; defaults to 10. */
  revisionHistoryLimit?: number;
}

export interface DaemonSetCondition {
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

export interface DaemonSetStatus {
  /** Nodes running at least one daemon pod that should. */
  currentNumberScheduled: number;
  /** Nodes running a daemon pod that should not. */
  numberMisscheduled: number;
  /** Nodes that should run the daemon pod. */
  desiredNumberScheduled: number;
  /** Nodes whose daemon pod is ready. */
  numberReady: number;
  /**
   * The generation observed by the controller.
   * @format int64
   */
  observedGeneration?: number;
  /** Nodes running the updated daemon pod. */
  updatedNumberScheduled?: number;
  /** Nodes whose daemon pod is available. */
  numberAvailable?: number;
  /** Nodes whose daemon pod is not available. */
  numberUnavailable?: number;
  /** Counter for hash collisions of revision names. */
  collisionCount?: number;
  /**
   * Current conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: DaemonSetCondition[];
}

/** DaemonSet represents the configuration of a daemon set. */
export interface DaemonSet extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour. */
  spec?: DaemonSetSpec;
  /** Most recently observed status. */
  status?: DaemonSetStatus;
}
