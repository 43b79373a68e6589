// The pod the API benchmarks create: one container with ports, env and requests, about the
// size of a real Deployment's pod, so encode/decode costs are realistic.
import type { KubeObject } from '../control-plane/apiserver/registry/types.ts';

export function benchPod(name: string, shard: number, spec: { schedulerName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', shard: String(shard % 8) } },
    spec: {
      ...spec,
      containers: [
        {
          name: 'app',
          image: 'registry.example/app:1.2.3',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'MODE', value: 'bench' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  };
}
