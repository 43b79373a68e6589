// Small manifest builders for the controller tests (YAML is JSON, so these are JSON strings).

export function deployment(
  name: string,
  replicas: number,
  image = 'nginx:1.25',
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...extra,
    },
  });
}
