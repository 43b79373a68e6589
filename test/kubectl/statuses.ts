// Statuses for the objects in testdata/objects.yaml, written through the status subresource the
// way kubelets and controllers would. Timestamps are relative to `now` so the printed ages are
// known (restarts "5m ago", job durations, event ages).

export interface StatusWrite {
  resource: string;
  name: string;
  /** Cluster-scoped objects are written without a namespace. */
  cluster?: boolean;
  status: unknown;
}

const runningContainer = (name: string, since: string) => ({
  name,
  image: 'busybox',
  imageID: '',
  ready: true,
  started: true,
  restartCount: 0,
  state: { running: { startedAt: since } },
});

const waitingContainer = (name: string, reason: string) => ({
  name,
  image: 'busybox',
  imageID: '',
  ready: false,
  started: false,
  restartCount: 0,
  state: { waiting: { reason } },
});

const nodeInfo = {
  machineID: 'm',
  systemUUID: 's',
  bootID: 'b',
  kernelVersion: '6.1.0-18-amd64',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  containerRuntimeVersion: 'containerd://1.7.24',
  kubeletVersion: 'v1.32.0',
  kubeProxyVersion: 'v1.32.0',
  operatingSystem: 'linux',
  architecture: 'amd64',
};

export function statuses(now: number): StatusWrite[] {
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, status: string) => ({ type, status, lastTransitionTime: ago(60) });
  return [
    {
      resource: 'pods',
      name: 'running',
      status: {
        phase: 'Running',
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }],
        conditions: [condition('Ready', 'True')],
        containerStatuses: [runningContainer('c', ago(60))],
      },
    },
    {
      resource: 'pods',
      name: 'crash',
      status: {
        phase: 'Running',
        podIP: '10.244.1.6',
        podIPs: [{ ip: '10.244.1.6' }],
        containerStatuses: [
          {
            ...waitingContainer('c', 'CrashLoopBackOff'),
            restartCount: 5,
            lastState: {
              terminated: { exitCode: 1, reason: 'Error', startedAt: ago(310), finishedAt: ago(300) },
            },
          },
        ],
      },
    },
    {
      resource: 'pods',
      name: 'done',
      status: {
        phase: 'Succeeded',
        containerStatuses: [
          {
            ...waitingContainer('c', ''),
            state: {
              terminated: { exitCode: 0, reason: 'Completed', startedAt: ago(100), finishedAt: ago(90) },
            },
          },
        ],
      },
    },
    {
      resource: 'pods',
      name: 'init',
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ ...runningContainer('setup', ago(10)), ready: false }],
        containerStatuses: [waitingContainer('c', 'PodInitializing')],
      },
    },
    {
      resource: 'pods',
      name: 'creating',
      status: {
        phase: 'Pending',
        containerStatuses: [
          waitingContainer('a', 'ContainerCreating'),
          waitingContainer('b', 'ContainerCreating'),
        ],
      },
    },
    {
      resource: 'pods',
      name: 'gated',
      status: {
        phase: 'Running',
        podIP: '10.244.2.7',
        podIPs: [{ ip: '10.244.2.7' }],
        conditions: [
          condition('example.com/ready', 'True'),
          condition('example.com/warm', 'False'),
          condition('Ready', 'False'),
        ],
        containerStatuses: [runningContainer('c', ago(60))],
      },
    },
    {
      resource: 'pods',
      name: 'leaving',
      status: {
        phase: 'Running',
        podIP: '10.244.1.8',
        podIPs: [{ ip: '10.244.1.8' }],
        conditions: [condition('Ready', 'True')],
        containerStatuses: [runningContainer('c', ago(60))],
      },
    },
    {
      resource: 'deployments',
      name: 'web',
      status: {
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
      },
    },
    {
      resource: 'replicasets',
      name: 'web-abc',
      status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1 },
    },
    {
      resource: 'statefulsets',
      name: 'db',
      status: { replicas: 2, readyReplicas: 1, currentReplicas: 2, updatedReplicas: 2, availableReplicas: 1 },
    },
    {
      resource: 'daemonsets',
      name: 'agent',
      status: {
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
        numberUnavailable: 1,
        numberMisscheduled: 0,
      },
    },
    {
      resource: 'jobs',
      name: 'batch',
      status: { startTime: ago(45 * 60), active: 2, succeeded: 1, ready: 2, terminating: 0 },
    },
    {
      resource: 'jobs',
      name: 'finished',
      status: {
        startTime: ago(200),
        completionTime: ago(110),
        succeeded: 1,
        ready: 0,
        terminating: 0,
        conditions: [
          { ...condition('SuccessCriteriaMet', 'True'), reason: 'CompletionsReached' },
          { ...condition('Complete', 'True'), reason: 'CompletionsReached' },
        ],
      },
    },
    {
      resource: 'jobs',
      name: 'once',
      status: { conditions: [{ ...condition('Suspended', 'True'), reason: 'JobSuspended' }] },
    },
    { resource: 'cronjobs', name: 'nightly', status: { lastScheduleTime: ago(2 * 3600) } },
    { resource: 'services', name: 'lb', status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } },
    { resource: 'ingresses', name: 'site', status: { loadBalancer: { ingress: [{ ip: '192.0.2.20' }] } } },
    {
      resource: 'persistentvolumeclaims',
      name: 'bound',
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } },
    },
    {
      resource: 'resourcequotas',
      name: 'compute',
      status: {
        hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi', 'limits.cpu': '4' },
        used: { pods: '7', 'requests.cpu': '500m', 'limits.memory': '1Gi', 'limits.cpu': '1' },
      },
    },
    {
      resource: 'horizontalpodautoscalers',
      name: 'web',
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        currentMetrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', current: { averageUtilization: 40, averageValue: '200m' } },
          },
          { type: 'Resource', resource: { name: 'memory', current: { averageValue: '300Mi' } } },
        ],
      },
    },
    {
      resource: 'nodes',
      name: 'node-1',
      cluster: true,
      status: {
        conditions: [condition('Ready', 'True')],
        addresses: [
          { type: 'InternalIP', address: '10.0.0.11' },
          { type: 'Hostname', address: 'node-1' },
        ],
        nodeInfo,
      },
    },
    {
      resource: 'nodes',
      name: 'node-2',
      cluster: true,
      status: {
        conditions: [condition('Ready', 'False')],
        addresses: [
          { type: 'InternalIP', address: '10.0.0.12' },
          { type: 'ExternalIP', address: '203.0.113.5' },
        ],
        nodeInfo,
      },
    },
    {
      resource: 'nodes',
      name: 'node-3',
      cluster: true,
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.10' }] },
    },
    { resource: 'persistentvolumes', name: 'pv-bound', cluster: true, status: { phase: 'Bound' } },
    { resource: 'persistentvolumes', name: 'pv-free', cluster: true, status: { phase: 'Available' } },
  ];
}

/** Events (core/v1 and events.k8s.io/v1) about the fixture objects. */
export function events(now: number, crashUid: string): unknown[] {
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'crash.1' },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'tables',
        name: 'crash',
        uid: crashUid,
        fieldPath: 'spec.containers{c}',
      },
      reason: 'BackOff',
      message: 'Back-off restarting failed container c in pod crash_tables(x)\n',
      type: 'Warning',
      count: 12,
      firstTimestamp: ago(600),
      lastTimestamp: ago(30),
      source: { component: 'kubelet', host: 'node-1' },
    },
    {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web.2' },
      regarding: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'tables', name: 'web' },
      reason: 'ScalingReplicaSet',
      note: 'Scaled up replica set web-abc from 0 to 3',
      type: 'Normal',
      action: 'Scale',
      eventTime: new Date(now - 120_000).toISOString().replace('Z', '000Z'), // MicroTime
      reportingController: 'deployment-controller',
      reportingInstance: 'flotilla-1',
    },
  ];
}
