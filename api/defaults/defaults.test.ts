// What `kubectl get -o yaml` shows after creating the minimal object: upstream's defaults.
import { describe, expect, it } from 'vitest';
import { rulesFor } from '../rules.ts';
import { validObjects } from '../testing/fixtures.ts';

function defaulted(key: string, change?: (o: any) => void): any {
  const obj = validObjects[key]();
  change?.(obj);
  const [group, kind] = key.split('/');
  rulesFor(group, kind).defaults?.(obj);
  return obj;
}

const podSpecDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};
const containerDefaults = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

describe('defaults', () => {
  it('fills a pod like upstream, including the bare-pod-only fields', () => {
    const pod = defaulted('/Pod', (p) => {
      p.spec.containers[0].resources = { limits: { cpu: 0.5, memory: '1024Mi' } };
      p.spec.containers[0].readinessProbe = { httpGet: { port: 80 } };
      p.spec.volumes = [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cm' } }];
      p.spec.containers[0].env = [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }];
    });
    expect(pod.spec).toEqual({
      ...podSpecDefaults,
      enableServiceLinks: true,
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } },
      ],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
          resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
          readinessProbe: {
            httpGet: { port: 80, path: '/', scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          ...containerDefaults,
        },
      ],
    });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/nginx', 'Always'],
    ['localhost:5000/nginx:1', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef', 'IfNotPresent'],
  ])('pulls %s with %s', (image, policy) => {
    expect(
      defaulted('/Pod', (p) => (p.spec.containers[0].image = image)).spec.containers[0].imagePullPolicy,
    ).toBe(policy);
  });

  it('keeps what the user set', () => {
    const pod = defaulted('/Pod', (p) => {
      p.spec.restartPolicy = 'Never';
      p.spec.terminationGracePeriodSeconds = 0;
      p.spec.enableServiceLinks = false;
      p.spec.containers[0].imagePullPolicy = 'Never';
    });
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.terminationGracePeriodSeconds).toBe(0);
    expect(pod.spec.enableServiceLinks).toBe(false);
    expect(pod.spec.containers[0].imagePullPolicy).toBe('Never');
  });

  it('fills a deployment, and its template without the bare-pod fields', () => {
    const d = defaulted('apps/Deployment');
    expect(d.spec).toEqual({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          ...podSpecDefaults,
          containers: [
            { name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', ...containerDefaults },
          ],
        },
      },
    });
    expect(defaulted('apps/Deployment', (o) => delete o.spec.replicas).spec.replicas).toBe(1);
    expect(
      defaulted('apps/Deployment', (o) => (o.spec.strategy = { type: 'Recreate' })).spec.strategy,
    ).toEqual({ type: 'Recreate' });
  });

  it('fills replica sets, daemon sets and stateful sets', () => {
    expect(defaulted('apps/ReplicaSet').spec.replicas).toBe(1);
    const ds = defaulted('apps/DaemonSet').spec;
    expect(ds.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.revisionHistoryLimit).toBe(10);
    const sts = defaulted('apps/StatefulSet').spec;
    expect(sts.podManagementPolicy).toBe('OrderedReady');
    expect(sts.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.replicas).toBe(1);
    expect(sts.revisionHistoryLimit).toBe(10);
    expect(sts.volumeClaimTemplates[0]).toEqual({
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    });
  });

  it('fills jobs and cron jobs', () => {
    const job = defaulted('batch/Job').spec;
    expect(job).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
    expect(job.template.spec.restartPolicy).toBe('Never');
    const parallel = defaulted('batch/Job', (j) => (j.spec.parallelism = 3)).spec;
    expect(parallel.completions).toBeUndefined();
    expect(parallel.parallelism).toBe(3);
    const cj = defaulted('batch/CronJob').spec;
    expect(cj).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    // The job template is not a Job: only its pod template is defaulted.
    expect(cj.jobTemplate.spec.completions).toBeUndefined();
    expect(cj.jobTemplate.spec.template.spec.schedulerName).toBe('default-scheduler');
  });

  it('fills a service', () => {
    expect(defaulted('/Service').spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    const np = defaulted('/Service', (s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.sessionAffinity = 'ClientIP';
      s.spec.ports = [{ port: 443 }];
    }).spec;
    expect(np).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      ports: [{ port: 443, targetPort: 443, protocol: 'TCP' }],
    });
    const ext = defaulted(
      '/Service',
      (s) => (s.spec = { type: 'ExternalName', externalName: 'example.com' }),
    ).spec;
    expect(ext.ipFamilies).toBeUndefined();
    expect(ext.internalTrafficPolicy).toBeUndefined();
  });

  it('fills namespaces, secrets and nodes', () => {
    expect(defaulted('/Namespace')).toMatchObject({
      metadata: { labels: { 'kubernetes.io/metadata.name': 'team-a' } },
      status: { phase: 'Active' },
    });
    const secret = defaulted('/Secret', (s) => (s.stringData = { user: 'admin', 'tok.en': 'ü' }));
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toBeUndefined();
    expect(secret.data).toEqual({ password: 'c2VjcmV0', user: 'YWRtaW4=', 'tok.en': 'w7w=' });
    expect(defaulted('/Node').status.allocatable).toEqual({ cpu: '2', memory: '4Gi', pods: '110' });
  });

  it('fills storage', () => {
    expect(defaulted('/PersistentVolume')).toMatchObject({
      spec: {
        persistentVolumeReclaimPolicy: 'Retain',
        volumeMode: 'Filesystem',
        hostPath: { path: '/data/pv-1', type: '' },
      },
      status: { phase: 'Pending' },
    });
    expect(defaulted('/PersistentVolumeClaim')).toMatchObject({
      spec: { volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    expect(defaulted('storage.k8s.io/StorageClass')).toMatchObject({
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
  });

  it('fills limit ranges from max and min', () => {
    expect(defaulted('/LimitRange').spec.limits[0]).toEqual({
      type: 'Container',
      max: { cpu: '2' },
      min: { cpu: '100m' },
      default: { cpu: '2' },
      defaultRequest: { cpu: '2' },
    });
  });

  it('fills autoscalers', () => {
    expect(defaulted('autoscaling/HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 1,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    });
    const behavior = defaulted(
      'autoscaling/HorizontalPodAutoscaler',
      (h) => (h.spec.behavior = { scaleDown: { stabilizationWindowSeconds: 60 } }),
    ).spec.behavior;
    expect(behavior).toEqual({
      scaleDown: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
    });
  });

  it('fills endpoint ports', () => {
    expect(defaulted('/Endpoints').subsets[0].ports).toEqual([{ port: 80, protocol: 'TCP' }]);
    expect(defaulted('discovery.k8s.io/EndpointSlice').ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
    ]);
  });

  it('is idempotent and never throws on malformed objects', () => {
    for (const key of Object.keys(validObjects)) {
      const once = defaulted(key);
      const twice = structuredClone(once);
      const [group, kind] = key.split('/');
      rulesFor(group, kind).defaults?.(twice);
      expect(twice).toEqual(once);
      for (const junk of [
        null,
        1,
        'x',
        [],
        { spec: 'x' },
        { spec: { template: [] } },
        { spec: { containers: 'x' } },
      ])
        expect(() => rulesFor(group, kind).defaults?.(structuredClone(junk))).not.toThrow();
    }
  });
});
