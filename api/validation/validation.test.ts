// Table-driven: a valid object, one change, and the exact lines upstream's API server reports
// (`kubectl apply` prints them after `The Pod "web" is invalid:`).
import { describe, expect, it } from 'vitest';
import { lookupKind, resourceTypes } from '../resources.ts';
import { validObjects } from '../testing/fixtures.ts';
import { formatFieldError } from './format.ts';
import { validateObject } from './object.ts';

function rtFor(key: string) {
  const [group, kind] = key.split('/');
  return resourceTypes.find((r) => r.group === group && r.kind === kind)!;
}

/**
 * The user's object (a fixture with `change` applied), defaulted and validated like the API server
 * does on create; with `old`, the stored object is the fixture with `old` applied and this is an update.
 */
function errorsFor(key: string, change: (o: any) => void = () => {}, old?: (o: any) => void): string[] {
  const rt = rtFor(key);
  let prev: any;
  if (old) {
    prev = validObjects[key]();
    old(prev);
    rt.defaults?.(prev);
  }
  const obj = prev ? structuredClone(prev) : validObjects[key]();
  change(obj);
  rt.defaults?.(obj);
  return validateObject(rt, obj, prev).map(formatFieldError);
}

const dns1123Label =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1123Subdomain =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const qualifiedNamePart =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const quantityRegex =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe('every valid fixture validates after defaulting', () => {
  it.each(Object.keys(validObjects))('%s', (key) => {
    expect(errorsFor(key)).toEqual([]);
  });
  it('covers every served type', () => {
    expect(resourceTypes.map((r) => `${r.group}/${r.kind}`).sort()).toEqual(Object.keys(validObjects).sort());
  });
});

describe('ObjectMeta', () => {
  it.each<[string, string, (o: any) => void, string[]]>([
    [
      '/ConfigMap',
      'no name',
      (o) => delete o.metadata.name,
      ['metadata.name: Required value: name or generateName is required'],
    ],
    [
      '/ConfigMap',
      'a generated name',
      (o) => ((o.metadata.generateName = 'cm-'), delete o.metadata.name),
      [],
    ],
    [
      '/ConfigMap',
      'a bad generateName',
      (o) => ((o.metadata.generateName = 'CM-'), delete o.metadata.name),
      [`metadata.generateName: Invalid value: "CM-": ${dns1123Subdomain}`],
    ],
    [
      '/ConfigMap',
      'an uppercase name',
      (o) => (o.metadata.name = 'MyConfig'),
      [`metadata.name: Invalid value: "MyConfig": ${dns1123Subdomain}`],
    ],
    [
      '/ConfigMap',
      'a long name',
      (o) => (o.metadata.name = 'a'.repeat(254)),
      [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`],
    ],
    [
      '/ConfigMap',
      'no namespace',
      (o) => delete o.metadata.namespace,
      ['metadata.namespace: Required value'],
    ],
    [
      '/Namespace',
      'a namespace on a cluster-scoped kind',
      (o) => (o.metadata.namespace = 'default'),
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
    [
      '/Namespace',
      'a dotted namespace name',
      (o) => (o.metadata.name = 'team.a'),
      ['metadata.name: Invalid value: "team.a": must not contain dots'],
    ],
    [
      '/ConfigMap',
      'a bad label key',
      (o) => (o.metadata.labels = { 'a b': 'x' }),
      [`metadata.labels: Invalid value: "a b": ${qualifiedNamePart}`],
    ],
    [
      '/ConfigMap',
      'an empty label prefix',
      (o) => (o.metadata.labels = { '/a': 'x' }),
      ['metadata.labels: Invalid value: "/a": prefix part must be non-empty'],
    ],
    [
      '/ConfigMap',
      'a long label value',
      (o) => (o.metadata.labels = { a: 'v'.repeat(64) }),
      [`metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
    ],
    [
      '/ConfigMap',
      'too many annotations',
      (o) => (o.metadata.annotations = { a: 'x'.repeat(262144) }),
      ['metadata.annotations: Too long: must have at most 262144 bytes'],
    ],
    [
      '/ConfigMap',
      'an unqualified finalizer',
      (o) => (o.metadata.finalizers = ['kubernetes', 'foo']),
      [
        'metadata.finalizers[1]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ],
    [
      '/ConfigMap',
      'two controllers',
      (o) =>
        (o.metadata.ownerReferences = [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
        ]),
      [
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b',
      ],
    ],
    [
      '/ConfigMap',
      'an owner without uid',
      (o) => (o.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 'p' }]),
      ['metadata.ownerReferences[0].uid: Invalid value: "": uid must not be empty'],
    ],
  ])('%s with %s', (key, _what, change, want) => {
    expect(errorsFor(key, change)).toEqual(want);
  });

  it('keeps identity immutable on update', () => {
    expect(
      errorsFor(
        '/ConfigMap',
        (o) => {
          o.metadata.uid = 'u2';
          o.metadata.name = 'other';
        },
        (o) => (o.metadata.uid = 'u1'),
      ),
    ).toEqual([
      'metadata.name: Invalid value: "other": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ]);
    expect(
      errorsFor(
        '/ConfigMap',
        (o) => (o.metadata.finalizers = ['example.com/hold']),
        (o) => (o.metadata.deletionTimestamp = '2024-01-01T00:00:00Z'),
      ),
    ).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/hold"}',
    ]);
  });
});

describe('Pod', () => {
  const c0 = 'spec.containers[0]';
  it.each<[string, (o: any) => void, string[]]>([
    ['no image', (o) => delete o.spec.containers[0].image, [`${c0}.image: Required value`]],
    ['no containers', (o) => (o.spec.containers = []), ['spec.containers: Required value']],
    [
      'an invalid container name',
      (o) => (o.spec.containers[0].name = 'Web'),
      [`${c0}.name: Invalid value: "Web": ${dns1123Label}`],
    ],
    [
      'duplicate container names',
      (o) => o.spec.containers.push({ ...o.spec.containers[0], ports: [] }),
      ['spec.containers[1].name: Duplicate value: "web"'],
    ],
    [
      'an init container named like a container',
      (o) =>
        (o.spec.initContainers = [
          { name: 'web', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' },
        ]),
      ['spec.initContainers[0].name: Duplicate value: "web"'],
    ],
    [
      'an unknown restart policy',
      (o) => (o.spec.restartPolicy = 'Sometimes'),
      [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      ],
    ],
    [
      'a port out of range',
      (o) => (o.spec.containers[0].ports[0].containerPort = 70000),
      [`${c0}.ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`],
    ],
    [
      'an unknown protocol',
      (o) => (o.spec.containers[0].ports[0].protocol = 'HTTP'),
      [`${c0}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`],
    ],
    [
      'a mount of no volume',
      (o) => (o.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }]),
      [`${c0}.volumeMounts[0].name: Not found: "data"`],
    ],
    [
      'a request above its limit',
      (o) => (o.spec.containers[0].resources = { limits: { cpu: '1' }, requests: { cpu: '2' } }),
      [`${c0}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`],
    ],
    [
      'an unparseable quantity',
      (o) => (o.spec.containers[0].resources = { requests: { cpu: 'abc' } }),
      [`${c0}.resources.requests[cpu]: Invalid value: "abc": ${quantityRegex}`],
    ],
    [
      'a negative quantity',
      (o) => (o.spec.containers[0].resources = { requests: { memory: '-1Gi' } }),
      [`${c0}.resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0`],
    ],
    [
      'an unknown resource',
      (o) => (o.spec.containers[0].resources = { requests: { gpu: '1' } }),
      [
        `${c0}.resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified`,
        `${c0}.resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers`,
      ],
    ],
    [
      'an extended resource request below its limit',
      (o) =>
        (o.spec.containers[0].resources = {
          limits: { 'example.com/gpu': '2' },
          requests: { 'example.com/gpu': '1' },
        }),
      [`${c0}.resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2`],
    ],
    [
      'a liveness probe needing two successes',
      (o) => (o.spec.containers[0].livenessProbe = { tcpSocket: { port: 80 }, successThreshold: 2 }),
      [`${c0}.livenessProbe.successThreshold: Invalid value: 2: must be 1`],
    ],
    [
      'a probe without a handler',
      (o) => (o.spec.containers[0].readinessProbe = { periodSeconds: 5 }),
      [`${c0}.readinessProbe: Required value: must specify a handler type`],
    ],
    [
      'a probe with two handlers',
      (o) => (o.spec.containers[0].readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } }),
      [`${c0}.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type`],
    ],
    [
      'an env var with a value and a source',
      (o) =>
        (o.spec.containers[0].env = [
          { name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ]),
      [`${c0}.env[0].valueFrom: Invalid value: "": may not be specified when \`value\` is not empty`],
    ],
    [
      'an env var from an unsupported field',
      (o) => (o.spec.containers[0].env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.foo' } } }]),
      [
        `${c0}.env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.foo": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`,
      ],
    ],
    [
      'an env var name with =',
      (o) => (o.spec.containers[0].env = [{ name: 'A=B', value: '1' }]),
      [
        `${c0}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
      ],
    ],
    [
      'a volume without a source type... defaults to emptyDir, but two sources do not',
      (o) => (o.spec.volumes = [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }]),
      ['spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type'],
    ],
    [
      'a toleration with a value and Exists',
      (o) => (o.spec.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]),
      [
        'spec.tolerations[0].operator: Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\'',
      ],
    ],
    [
      'toleration seconds for NoSchedule',
      (o) =>
        (o.spec.tolerations = [
          { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 },
        ]),
      [
        'spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
      ],
    ],
    [
      'a bad node selector',
      (o) => (o.spec.nodeSelector = { 'disk type': 'ssd' }),
      [`spec.nodeSelector: Invalid value: "disk type": ${qualifiedNamePart}`],
    ],
    [
      'dnsPolicy None without config',
      (o) => (o.spec.dnsPolicy = 'None'),
      ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'],
    ],
    [
      'a zero deadline',
      (o) => (o.spec.activeDeadlineSeconds = 0),
      ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
    ],
    [
      'ephemeral containers on create',
      (o) => (o.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox' }]),
      ['spec.ephemeralContainers: Forbidden: cannot be set on create'],
    ],
    [
      'an affinity weight out of range',
      (o) =>
        (o.spec.affinity = {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 0, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname' } },
            ],
          },
        }),
      [
        'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
      ],
    ],
    [
      'a spread constraint without skew',
      (o) =>
        (o.spec.topologySpreadConstraints = [
          { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
        ]),
      ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
    ],
  ])('%s', (_what, change, want) => {
    expect(errorsFor('/Pod', change)).toEqual(want);
  });

  it('allows image, deadline and new tolerations to change on update, and nothing else', () => {
    expect(
      errorsFor(
        '/Pod',
        (o) => {
          o.spec.containers[0].image = 'nginx:1.28';
          o.spec.activeDeadlineSeconds = 100;
          o.spec.tolerations = [{ key: 'k', operator: 'Exists' }];
        },
        () => {},
      ),
    ).toEqual([]);
    const [restart] = errorsFor(
      '/Pod',
      (o) => (o.spec.restartPolicy = 'Never'),
      () => {},
    );
    expect(restart).toBe(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n  spec.restartPolicy: "Always" -> "Never"',
    );
    expect(
      errorsFor(
        '/Pod',
        (o) => o.spec.containers.push({ name: 'b', image: 'b' }),
        () => {},
      ),
    ).toEqual(['spec.containers: Forbidden: pod updates may not add or remove containers']);
    expect(
      errorsFor(
        '/Pod',
        (o) => (o.spec.activeDeadlineSeconds = 200),
        (o) => (o.spec.activeDeadlineSeconds = 100),
      ),
    ).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value',
    ]);
    expect(
      errorsFor(
        '/Pod',
        (o) => (o.spec.tolerations = []),
        (o) => (o.spec.tolerations = [{ key: 'k', operator: 'Exists' }]),
      ),
    ).toEqual([
      'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    ]);
  });
});

describe('workloads', () => {
  it.each<[string, string, (o: any) => void, string[]]>([
    [
      'apps/Deployment',
      'negative replicas',
      (o) => (o.spec.replicas = -1),
      ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'apps/Deployment',
      'a selector that misses the template',
      (o) => (o.spec.template.metadata.labels = { app: 'api' }),
      [
        'spec.template.metadata.labels: Invalid value: {"app":"api"}: `selector` does not match template `labels`',
      ],
    ],
    [
      'apps/Deployment',
      'an empty selector',
      (o) => (o.spec.selector = {}),
      ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    ],
    [
      'apps/Deployment',
      'no selector (which, like upstream, selects nothing)',
      (o) => delete o.spec.selector,
      [
        'spec.selector: Required value',
        'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
      ],
    ],
    [
      'apps/Deployment',
      'a template without containers',
      (o) => (o.spec.template.spec.containers = []),
      ['spec.template.spec.containers: Required value'],
    ],
    [
      'apps/Deployment',
      'a template that does not restart',
      (o) => (o.spec.template.spec.restartPolicy = 'Never'),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    [
      'apps/Deployment',
      'a rollout that can make no progress',
      (o) => (o.spec.strategy = { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
    ],
    [
      'apps/Deployment',
      'more than all pods unavailable',
      (o) => (o.spec.strategy = { rollingUpdate: { maxUnavailable: '110%' } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%'],
    ],
    [
      'apps/Deployment',
      'a malformed percentage',
      (o) => (o.spec.strategy = { rollingUpdate: { maxSurge: '25' } }),
      [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"25\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ],
    ],
    [
      'apps/Deployment',
      'a deadline below minReadySeconds',
      (o) => ((o.spec.minReadySeconds = 700), (o.spec.progressDeadlineSeconds = 600)),
      ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
    ],
    [
      'apps/ReplicaSet',
      'an empty selector',
      (o) => (o.spec.selector = {}),
      ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    ],
    [
      'apps/StatefulSet',
      'an unknown pod management policy',
      (o) => (o.spec.podManagementPolicy = 'Random'),
      ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"],
    ],
    [
      'apps/DaemonSet',
      'both surge and unavailability',
      (o) =>
        (o.spec.updateStrategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, maxSurge: 1 },
        }),
      [
        'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero',
      ],
    ],
    [
      'batch/Job',
      'a pod template that restarts forever',
      (o) => (o.spec.template.spec.restartPolicy = 'Always'),
      [
        'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
      ],
    ],
    [
      'batch/Job',
      'negative backoff',
      (o) => (o.spec.backoffLimit = -1),
      ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'batch/CronJob',
      'a bad schedule',
      (o) => (o.spec.schedule = '61 * * * *'),
      ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'],
    ],
    [
      'batch/CronJob',
      'a TZ in the schedule',
      (o) => (o.spec.schedule = 'TZ=UTC 0 3 * * *'),
      [
        'spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      ],
    ],
    [
      'batch/CronJob',
      'an unknown time zone',
      (o) => (o.spec.timeZone = 'Mars/Olympus'),
      ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'],
    ],
    [
      'batch/CronJob',
      'a long name',
      (o) => (o.metadata.name = 'a'.repeat(53)),
      [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`],
    ],
    [
      'batch/CronJob',
      'a job template with a selector',
      (o) => (o.spec.jobTemplate.spec.selector = { matchLabels: { a: 'b' } }),
      [
        'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
      ],
    ],
    [
      'autoscaling/HorizontalPodAutoscaler',
      'max below min',
      (o) => (o.spec.minReplicas = 10),
      ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`'],
    ],
    [
      'autoscaling/HorizontalPodAutoscaler',
      'zero min',
      (o) => (o.spec.minReplicas = 0),
      ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1'],
    ],
  ])('%s with %s', (key, _what, change, want) => {
    expect(errorsFor(key, change)).toEqual(want);
  });

  it("keeps selectors immutable in apps/v1, and a job's template unless suspended", () => {
    const change = (o: any) => {
      o.spec.selector = { matchLabels: { app: 'api' } };
      o.spec.template.metadata.labels = { app: 'api' };
    };
    expect(errorsFor('apps/Deployment', change, () => {})).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"api"}}: field is immutable',
    ]);
    expect(errorsFor('apps/DaemonSet', change, () => {})).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"api"}}: field is immutable',
    ]);
    const image = (o: any) => (o.spec.template.spec.containers[0].image = 'perl:2');
    const created = (o: any) => {
      o.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': o.metadata.uid } };
      o.spec.template.metadata = { labels: { 'batch.kubernetes.io/controller-uid': o.metadata.uid } };
    };
    expect(errorsFor('batch/Job', image, created)[0]).toMatch(
      /^spec\.template: Invalid value: .*: field is immutable$/,
    );
    expect(errorsFor('batch/Job', image, (o) => ((o.spec.suspend = true), created(o)))).toEqual([]);
  });

  it('lets a stateful set change only its updatable fields', () => {
    expect(
      errorsFor(
        'apps/StatefulSet',
        (o) => (o.spec.replicas = 3),
        () => {},
      ),
    ).toEqual([]);
    expect(
      errorsFor(
        'apps/StatefulSet',
        (o) => (o.spec.serviceName = 'other'),
        () => {},
      ),
    ).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('generates a job selector from its uid, like upstream', () => {
    const rt = lookupKind('batch/v1', 'Job')!;
    const job = validObjects['batch/Job']();
    rt.defaults!(job);
    expect(rt.validate!(job)).toEqual([]);
    const uid = job.metadata.uid;
    expect(job.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(job.spec.template.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': uid,
      'job-name': 'pi',
    });
    expect(job.metadata.labels).toEqual(job.spec.template.metadata.labels);
  });
});

describe('services and networking', () => {
  it.each<[string, string, (o: any) => void, string[]]>([
    ['/Service', 'no ports', (o) => (o.spec.ports = []), ['spec.ports: Required value']],
    [
      '/Service',
      'an uppercase name',
      (o) => (o.metadata.name = 'Web'),
      [
        "metadata.name: Invalid value: \"Web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    [
      '/Service',
      'a port 0',
      (o) => (o.spec.ports[0].port = 0),
      ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ],
    [
      '/Service',
      'two unnamed ports',
      (o) => o.spec.ports.push({ port: 443, targetPort: 8443, protocol: 'TCP' }),
      ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
    ],
    [
      '/Service',
      'the same port twice',
      (o) => (
        (o.spec.ports[0].name = 'a'),
        o.spec.ports.push({ name: 'b', port: 80, targetPort: 80, protocol: 'TCP' })
      ),
      ['spec.ports[1]: Duplicate value: {"protocol":"TCP","port":80}'],
    ],
    [
      '/Service',
      'an unknown type',
      (o) => (o.spec.type = 'Magic'),
      [
        'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ],
    [
      '/Service',
      'a node port on a ClusterIP service',
      (o) => (o.spec.ports[0].nodePort = 30080),
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ],
    [
      '/Service',
      'an ExternalName without a name',
      (o) => (o.spec = { type: 'ExternalName', sessionAffinity: 'None' }),
      ['spec.externalName: Required value'],
    ],
    [
      'networking.k8s.io/Ingress',
      'a path without a type',
      (o) => delete o.spec.rules[0].http.paths[0].pathType,
      ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
    ],
    [
      'networking.k8s.io/Ingress',
      'a relative Prefix path',
      (o) => (o.spec.rules[0].http.paths[0].path = 'api'),
      ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
    ],
    [
      'networking.k8s.io/Ingress',
      'an IP as host',
      (o) => (o.spec.rules[0].host = '10.0.0.1'),
      ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
    ],
    [
      'networking.k8s.io/IngressClass',
      'no controller',
      (o) => delete o.spec.controller,
      ['spec.controller: Required value'],
    ],
    [
      'discovery.k8s.io/EndpointSlice',
      'an unknown address type',
      (o) => (o.addressType = 'IPX'),
      ['addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"'],
    ],
    [
      '/Endpoints',
      'a loopback address',
      (o) => (o.subsets[0].addresses[0].ip = '127.0.0.1'),
      [
        'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ],
    ],
  ])('%s with %s', (key, _what, change, want) => {
    expect(errorsFor(key, change)).toEqual(want);
  });

  it("keeps a service's cluster IP once set", () => {
    expect(
      errorsFor(
        '/Service',
        (o) => ((o.spec.clusterIP = '10.96.0.11'), (o.spec.clusterIPs = ['10.96.0.11'])),
        (o) => (o.spec.clusterIP = '10.96.0.10'),
      ),
    ).toEqual(['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set']);
  });
});

describe('config, storage and the rest', () => {
  it.each<[string, string, (o: any) => void, string[]]>([
    [
      '/ConfigMap',
      'a bad key',
      (o) => (o.data = { 'a/b': 'x' }),
      [
        "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    ],
    [
      '/ConfigMap',
      'the same key in data and binaryData',
      (o) => (o.binaryData = { 'app.conf': 'eA==' }),
      ['data[app.conf]: Invalid value: "app.conf": duplicate of key present in binaryData'],
    ],
    [
      '/ConfigMap',
      'more than 1 MiB',
      (o) => (o.data = { big: 'x'.repeat(1024 * 1024 + 1) }),
      [': Too long: must have at most 1048576 bytes'],
    ],
    [
      '/Secret',
      'a TLS secret without keys',
      (o) => (o.type = 'kubernetes.io/tls'),
      ['data[tls.crt]: Required value', 'data[tls.key]: Required value'],
    ],
    [
      '/Secret',
      'bad base64',
      (o) => (o.data = { a: '!!!' }),
      ['data[a]: Invalid value: "<value omitted>": illegal base64 data at input byte 0'],
    ],
    [
      '/Namespace',
      'an unqualified spec finalizer',
      (o) => (o.spec = { finalizers: ['foo'] }),
      [
        'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ],
    [
      '/PersistentVolumeClaim',
      'no storage request',
      (o) => (o.spec.resources = {}),
      ['spec.resources[storage]: Required value'],
    ],
    [
      '/PersistentVolumeClaim',
      'no access modes',
      (o) => (o.spec.accessModes = []),
      ['spec.accessModes: Required value: at least 1 access mode is required'],
    ],
    [
      '/PersistentVolumeClaim',
      'a zero request',
      (o) => (o.spec.resources.requests.storage = '0'),
      ['spec.resources[storage]: Invalid value: "0": must be greater than zero'],
    ],
    [
      '/PersistentVolume',
      'no source',
      (o) => delete o.spec.hostPath,
      ['spec: Required value: must specify a volume type'],
    ],
    [
      '/PersistentVolume',
      'a capacity other than storage',
      (o) => (o.spec.capacity = { storage: '1Gi', cpu: '1' }),
      ['spec.capacity: Unsupported value: {"storage":"1Gi","cpu":"1"}: supported values: "storage"'],
    ],
    [
      '/ResourceQuota',
      'an unknown resource',
      (o) => (o.spec.hard = { widgets: '1' }),
      ['spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified'],
    ],
    [
      '/ResourceQuota',
      'a fractional pod count',
      (o) => (o.spec.hard = { pods: '1500m' }),
      ['spec.hard[pods]: Invalid value: "1500m": must be an integer'],
    ],
    [
      '/LimitRange',
      'min above max',
      (o) => (o.spec.limits[0].min = { cpu: '3' }),
      [
        'spec.limits[0].min[cpu]: Invalid value: "3": min value 3 is greater than max value 2',
        'spec.limits[0].defaultRequest[cpu]: Invalid value: "2": min value 3 is greater than default request value 2',
        'spec.limits[0].default[cpu]: Invalid value: "3": min value 3 is greater than default value 2',
      ],
    ],
    [
      '/Node',
      'a taint without effect',
      (o) => (o.spec.taints = [{ key: 'dedicated', value: 'gpu' }]),
      ['spec.taints[0].effect: Required value'],
    ],
    [
      '/Event',
      "a namespace that differs from the object's",
      (o) => (o.involvedObject.namespace = 'other'),
      ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
    ],
    ['events.k8s.io/Event', 'no event time', (o) => delete o.eventTime, ['eventTime: Required value']],
    [
      'events.k8s.io/Event',
      'an unknown type',
      (o) => (o.type = 'Info'),
      ['type: Invalid value: "": has invalid value: Info'],
    ],
    [
      'coordination.k8s.io/Lease',
      'a zero duration',
      (o) => (o.spec.leaseDurationSeconds = 0),
      ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'],
    ],
    [
      'storage.k8s.io/StorageClass',
      'no provisioner',
      (o) => delete o.provisioner,
      ['provisioner: Required value'],
    ],
    ['apps/ControllerRevision', 'no data', (o) => delete o.data, ['data: Required value: data is mandatory']],
  ])('%s with %s', (key, _what, change, want) => {
    expect(errorsFor(key, change)).toEqual(want);
  });

  it('enforces immutability on update', () => {
    expect(
      errorsFor(
        '/ConfigMap',
        (o) => (o.data = { changed: '1' }),
        (o) => (o.immutable = true),
      ),
    ).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
    expect(
      errorsFor(
        '/Secret',
        (o) => (o.type = 'kubernetes.io/basic-auth'),
        () => {},
      )[0],
    ).toBe('type: Invalid value: "kubernetes.io/basic-auth": field is immutable');
    expect(
      errorsFor(
        '/PersistentVolumeClaim',
        (o) => (o.spec.accessModes = ['ReadWriteMany']),
        () => {},
      )[0],
    ).toMatch(
      /^spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n/,
    );
    expect(
      errorsFor(
        'storage.k8s.io/StorageClass',
        (o) => (o.provisioner = 'other.dev/x'),
        () => {},
      ),
    ).toEqual(['provisioner: Forbidden: updates to provisioner are forbidden.']);
    expect(
      errorsFor(
        'apps/ControllerRevision',
        (o) => (o.data = { spec: { x: 1 } }),
        () => {},
      ),
    ).toEqual(['data: Invalid value: {"spec":{"x":1}}: field is immutable']);
  });
});
