// batch/v1 Job: pods that run to completion.
import type { LabelSelector, ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { PodTemplateSpec } from './pod.ts';

export interface PodFailurePolicyOnExitCodesRequirement {
  /** Container whose exit code counts; any container when empty. */
  containerName?: string;
  /** In or NotIn. */
  operator: 'In' | 'NotIn';
  /** Exit codes (at most 255). */
  values: number[];
}

export interface PodFailurePolicyOnPodConditionsPattern {
  /** Pod condition type, e.g. DisruptionTarget. */
  type: string;
  /** Required condition status; defaults to True. */
  status?: 'True' | 'False' | 'Unknown';
}

export interface PodFailurePolicyRule {
  /** FailJob, FailIndex, Ignore or Count. */
  action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';
  /** Match on container exit codes. */
  onExitCodes?: PodFailurePolicyOnExitCodesRequirement;
  /** Match on pod conditions. */
  onPodConditions?: PodFailurePolicyOnPodConditionsPattern[];
}

export interface PodFailurePolicy {
  /** Rules checked in order; the first match decides. */
  rules: PodFailurePolicyRule[];
}

export interface SuccessPolicyRule {
  /** Indexes that must succeed, e.g. `0,2-4`. */
  succeededIndexes?: string;
  /** How many of them must succeed. */
  succeededCount?: number;
}

export interface SuccessPolicy {
  /** Rules, ORed. */
  rules: SuccessPolicyRule[];
}

export interface JobSpec {
  /** Pods that may run at once; defaults to 1. */
  parallelism?: number;
  /** Successful pods needed; defaults to 1 when parallelism is also unset. */
  completions?: number;
  /**
   * Seconds the job may be active before it is failed.
   * @format int64
   */
  activeDeadlineSeconds?: number;
  /** How pod failures are handled. */
  podFailurePolicy?: PodFailurePolicy;
  /** When the job counts as succeeded early (Indexed jobs). */
  successPolicy?: SuccessPolicy;
  /** Retries before the job is failed; defaults to 6. */
  backoffLimit?: number;
  /** Retries per index (Indexed jobs). */
  backoffLimitPerIndex?: number;
  /** Failed indexes before the job is failed. */
  maxFailedIndexes?: number;
  /** Label query over the pods; generated from the job's uid unless manualSelector. */
  selector?: LabelSelector;
  /** Use the given selector instead of generating one. */
  manualSelector?: boolean;
  /** Template of the pods; restartPolicy must be OnFailure or Never. */
  template: PodTemplateSpec;
  /** Seconds after finishing before the job is deleted. */
  ttlSecondsAfterFinished?: number;
  /** NonIndexed or Indexed; defaults to NonIndexed. */
  completionMode?: 'NonIndexed' | 'Indexed';
  /** Whether the job's pods should not run; defaults to false. */
  suspend?: boolean;
  /** TerminatingOrFailed or Failed: when replacement pods are created. */
  podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed';
  /** Controller that manages the job, when not the built-in one. */
  managedBy?: string;
}

export interface JobCondition {
  /** Suspended, Complete, Failed, FailureTarget or SuccessCriteriaMet. */
  type: string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** Last time the condition was checked. */
  lastProbeTime?: Time;
  /** Last time the condition changed status. */
  lastTransitionTime?: Time;
  /** CamelCase reason. */
  reason?: string;
  /** Human-readable details. */
  message?: string;
}

export interface UncountedTerminatedPods {
  /** UIDs of succeeded pods not yet counted. */
  succeeded?: string[];
  /** UIDs of failed pods not yet counted. */
  failed?: string[];
}

export interface JobStatus {
  /**
   * Current conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType atomic
   */
  conditions?: JobCondition[];
  /** When the controller started processing the job. */
  startTime?: Time;
  /** When the job completed. */
  completionTime?: Time;
  /** Pending and running pods. */
  active?: number;
  /** Terminating pods. */
  terminating?: number;
  /** Pods ready. */
  ready?: number;
  /** Pods that succeeded. */
  succeeded?: number;
  /** Pods that failed. */
  failed?: number;
  /** Completed indexes, e.g. `1,3-5`, for Indexed jobs. */
  completedIndexes?: string;
  /** Failed indexes, for backoffLimitPerIndex. */
  failedIndexes?: string;
  /** Terminated pods not yet accounted for. */
  uncountedTerminatedPods?: UncountedTerminatedPods;
}

/** Job represents the configuration of a single job. */
export interface Job extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour. */
  spec?: JobSpec;
  /** Most recently observed status. */
  status?: JobStatus;
}

export interface JobTemplateSpec {
  /** Metadata of the jobs created from the template. */
  metadata?: ObjectMeta;
  /** Spec of the jobs created from the template. */
  spec?: JobSpec;
}
