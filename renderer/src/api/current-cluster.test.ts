import { describe, expect, it } from 'vitest';
import { kubernetesUrl } from './current-cluster.ts';

describe('current cluster', () => {
  it('sends Kubernetes API paths of a created cluster through the app API proxy', () => {
    expect(kubernetesUrl('/api/v1/pods?watch=1', 'dev')).toBe('/app/v1/clusters/dev/k8s/api/v1/pods?watch=1');
    expect(kubernetesUrl('/apis/apps/v1/deployments', 'dev')).toBe(
      '/app/v1/clusters/dev/k8s/apis/apps/v1/deployments',
    );
    expect(kubernetesUrl('/openapi/v3/apis/apps/v1', 'dev')).toBe(
      '/app/v1/clusters/dev/k8s/openapi/v3/apis/apps/v1',
    );
    expect(kubernetesUrl('/app/v1/clusters', 'dev')).toBe('/app/v1/clusters');
    expect(kubernetesUrl('/api/v1/pods', '')).toBe('/api/v1/pods');
  });
});
