import { describe, expect, it } from 'vitest';
import { lookupResource } from '../../api/resources.ts';
import {
  missingPodResources,
  quotaMatches,
  toResourceList,
  typeForQuotaResource,
  usageForQuota,
  usageOf,
} from './usage.ts';

const pods = lookupResource('', 'v1', 'pods')!;
const services = lookupResource('', 'v1', 'services')!;
const claims = lookupResource('', 'v1', 'persistentvolumeclaims')!;
const deployments = lookupResource('apps', 'v1', 'deployments')!;

const container = (
  name: string,
  requests: Record<string, string> = {},
  limits: Record<string, string> = {},
) => ({
  name,
  image: 'x',
  resources: { requests, limits },
});

describe('usageOf', () => {
  it('charges pods the larger of their containers’ sum and their biggest init container, plus overhead', () => {
    const pod = {
      spec: {
        containers: [
          container('a', { cpu: '100m', memory: '64Mi' }, { cpu: '200m' }),
          container('b', { cpu: '100m' }),
        ],
        initContainers: [container('init', { cpu: '500m' })],
        overhead: { cpu: '10m' },
      },
    };
    expect(toResourceList(usageOf(pods, pod))).toEqual({
      'count/pods': '1',
      cpu: '510m',
      'limits.cpu': '210m',
      memory: '64Mi',
      pods: '1',
      'requests.cpu': '510m',
      'requests.memory': '64Mi',
    });
  });

  it('charges finished pods nothing', () => {
    expect(usageOf(pods, { spec: { containers: [] }, status: { phase: 'Succeeded' } }).size).toBe(0);
  });

  it('charges node ports and load balancers of services, storage of claims per class, and counts anything', () => {
    const np = { spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] } };
    expect(toResourceList(usageOf(services, np))).toEqual({
      'count/services': '1',
      services: '1',
      'services.nodeports': '2',
    });
    const pvc = { spec: { storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } } };
    expect(toResourceList(usageOf(claims, pvc))).toEqual({
      'count/persistentvolumeclaims': '1',
      'fast.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
      'fast.storageclass.storage.k8s.io/requests.storage': '5Gi',
      persistentvolumeclaims: '1',
      'requests.storage': '5Gi',
    });
    expect(toResourceList(usageOf(deployments, {}))).toEqual({ 'count/deployments.apps': '1' });
  });
});

describe('quotas', () => {
  it('knows which type each quota resource counts', () => {
    expect(typeForQuotaResource('requests.cpu')?.plural).toBe('pods');
    expect(typeForQuotaResource('count/deployments.apps')?.kind).toBe('Deployment');
    expect(typeForQuotaResource('services.nodeports')?.plural).toBe('services');
    expect(typeForQuotaResource('gold.storageclass.storage.k8s.io/requests.storage')?.plural).toBe(
      'persistentvolumeclaims',
    );
    expect(typeForQuotaResource('nonsense')).toBeUndefined();
  });

  it('applies scoped quotas to the pods in scope only', () => {
    const bestEffort = { spec: { scopes: ['BestEffort'] } };
    expect(quotaMatches(bestEffort, pods, { spec: { containers: [container('a')] } })).toBe(true);
    expect(quotaMatches(bestEffort, pods, { spec: { containers: [container('a', { cpu: '1' })] } })).toBe(
      false,
    );
    expect(quotaMatches(bestEffort, services, {})).toBe(false);
    const terminating = { spec: { scopes: ['Terminating'] } };
    expect(quotaMatches(terminating, pods, { spec: { activeDeadlineSeconds: 60, containers: [] } })).toBe(
      true,
    );
    expect(quotaMatches(terminating, pods, { spec: { containers: [] } })).toBe(false);
  });

  it('sums usage over objects for the limited resources only, zero included', () => {
    const quota = { spec: { hard: { pods: '10', 'requests.memory': '1Gi', secrets: '3' } } };
    const objects = [
      { spec: { containers: [container('a', { memory: '128Mi' })] } },
      { spec: { containers: [container('b', { memory: '256Mi' })] } },
    ];
    const used = usageForQuota(quota, (rt) => (rt.plural === 'pods' ? objects : []));
    expect(toResourceList(used)).toEqual({ pods: '2', 'requests.memory': '384Mi', secrets: '0' });
  });

  it('names the containers that must state a limited resource', () => {
    const quota = { spec: { hard: { 'limits.memory': '1Gi', cpu: '2' } } };
    const pod = {
      spec: { containers: [container('a', { cpu: '1' }), container('b', {}, { memory: '1Mi' })] },
    };
    expect(missingPodResources(quota, pod)).toEqual(['limits.memory for: a', 'cpu for: b']);
  });
});
