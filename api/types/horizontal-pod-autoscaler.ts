// autoscaling/v2 HorizontalPodAutoscaler: scales a workload on metrics.
import type { LabelSelector, ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { QuantityString } from './resource-requirements.ts';

export interface CrossVersionObjectReference {
  /** Kind of the target, e.g. Deployment. */
  kind: string;
  /** Name of the target. */
  name: string;
  /** API version of the target, e.g. apps/v1. */
  apiVersion?: string;
}

export interface MetricTarget {
  /** Utilization, Value or AverageValue. */
  type: 'Utilization' | 'Value' | 'AverageValue';
  /** Target value of the metric. */
  value?: QuantityString;
  /** Target value averaged across pods. */
  averageValue?: QuantityString;
  /** Target percentage of the requested resource, averaged across pods. */
  averageUtilization?: number;
}

export interface MetricIdentifier {
  /** Name of the metric. */
  name: string;
  /** Selector narrowing the metric. */
  selector?: LabelSelector;
}

export interface ResourceMetricSource {
  /** Resource name: cpu or memory. */
  name: string;
  /** Target value. */
  target: MetricTarget;
}

export interface ContainerResourceMetricSource extends ResourceMetricSource {
  /** Container whose usage counts. */
  container: string;
}

export interface MetricSpec {
  /** ContainerResource, External, Object, Pods or Resource. */
  type: 'ContainerResource' | 'External' | 'Object' | 'Pods' | 'Resource';
  /** A metric about another object. */
  object?: { describedObject: CrossVersionObjectReference; target: MetricTarget; metric: MetricIdentifier };
  /** A metric averaged across the pods. */
  pods?: { metric: MetricIdentifier; target: MetricTarget };
  /** A resource metric of the pods (requests and limits known to Kubernetes). */
  resource?: ResourceMetricSource;
  /** A resource metric of one container of the pods. */
  containerResource?: ContainerResourceMetricSource;
  /** A metric from outside the cluster. */
  external?: { metric: MetricIdentifier; target: MetricTarget };
}

export interface HPAScalingPolicy {
  /** Pods or Percent. */
  type: 'Pods' | 'Percent';
  /** Amount of change allowed per period. */
  value: number;
  /** Length of the period in seconds (1-1800). */
  periodSeconds: number;
}

export interface HPAScalingRules {
  /** Seconds of past recommendations considered. */
  stabilizationWindowSeconds?: number;
  /** Max, Min or Disabled: which policy wins. */
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /** Scaling policies. */
  policies?: HPAScalingPolicy[];
}

export interface HorizontalPodAutoscalerBehavior {
  /** Scale-up rules. */
  scaleUp?: HPAScalingRules;
  /** Scale-down rules. */
  scaleDown?: HPAScalingRules;
}

export interface HorizontalPodAutoscalerSpec {
  /** The workload to scale. */
  scaleTargetRef: CrossVersionObjectReference;
  /** Lower bound of replicas; defaults to 1. */
  minReplicas?: number;
  /** Upper bound of replicas. */
  maxReplicas: number;
  /** Metrics to scale on; defaults to 80% average CPU utilization. */
  metrics?: MetricSpec[];
  /** Scaling behaviour in each direction. */
  behavior?: HorizontalPodAutoscalerBehavior;
}

export interface MetricValueStatus {
  /** Current value of the metric. */
  value?: QuantityString;
  /** Current value averaged across pods. */
  averageValue?: QuantityString;
  /** Current percentage of the requested resource. */
  averageUtilization?: number;
}

export interface MetricStatus {
  /** ContainerResource, External, Object, Pods or Resource. */
  type: string;
  /** Current resource metric. */
  resource?: { name: string; current: MetricValueStatus };
  /** Current container resource metric. */
  containerResource?: { name: string; container: string; current: MetricValueStatus };
  /** Current pods metric. */
  pods?: { metric: MetricIdentifier; current: MetricValueStatus };
  /** Current object metric. */
  object?: {
    describedObject: CrossVersionObjectReference;
    metric: MetricIdentifier;
    current: MetricValueStatus;
  };
  /** Current external metric. */
  external?: { metric: MetricIdentifier; current: MetricValueStatus };
}

export interface HorizontalPodAutoscalerCondition {
  /** AbleToScale, ScalingActive or ScalingLimited. */
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

export interface HorizontalPodAutoscalerStatus {
  /**
   * The generation observed by the autoscaler.
   * @format int64
   */
  observedGeneration?: number;
  /** When the autoscaler last scaled. */
  lastScaleTime?: Time;
  /** Current number of replicas. */
  currentReplicas?: number;
  /** Desired number of replicas. */
  desiredReplicas: number;
  /** Last read values of the metrics. */
  currentMetrics?: MetricStatus[];
  /**
   * Current conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: HorizontalPodAutoscalerCondition[];
}

/** HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified. */
export interface HorizontalPodAutoscaler extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour. */
  spec?: HorizontalPodAutoscalerSpec;
  /** Most recently observed status. */
  status?: HorizontalPodAutoscalerStatus;
}
