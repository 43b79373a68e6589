#!/usr/bin/env node
// Regenerates api/protobuf/schemas/*.ts from checkouts of k8s.io/api and k8s.io/apimachinery
// (at the release tag kubectl matches, e.g. v0.32.9). It reads, never copies: field numbers and
// message types come from each package's generated.proto, and what decides the JSON (the json
// name, omitempty, pointer, inline) from the struct tags in its Go sources. Only messages the
// kinds below reach are written.
//
//   node scripts/protobuf-schema.mjs --api ../api --apimachinery ../apimachinery
//
// To support another kind: add it (and its package) to `packages`, rerun, review the diff.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { api: { type: 'string' }, apimachinery: { type: 'string' }, out: { type: 'string' } },
});
if (!values.api || !values.apimachinery) {
  console.error('usage: protobuf-schema.mjs --api DIR --apimachinery DIR [--out api/protobuf/schemas]');
  process.exit(2);
}
const outDir = values.out ?? path.join(import.meta.dirname, '..', 'api', 'protobuf', 'schemas');

/** proto package -> [root, dir, alias, groupVersion, kinds written as top-level messages]. */
const packages = {
  'k8s.io.apimachinery.pkg.apis.meta.v1': [
    'apimachinery',
    'pkg/apis/meta/v1',
    'metav1',
    'meta.k8s.io/v1',
    ['DeleteOptions', 'Status'],
  ],
  'k8s.io.apimachinery.pkg.runtime': ['apimachinery', 'pkg/runtime', 'runtime', '', []],
  'k8s.io.apimachinery.pkg.util.intstr': ['apimachinery', 'pkg/util/intstr', 'intstr', '', []],
  'k8s.io.apimachinery.pkg.api.resource': ['apimachinery', 'pkg/api/resource', 'resource', '', []],
  'k8s.io.api.core.v1': [
    'api',
    'core/v1',
    'corev1',
    'v1',
    [
      'ConfigMap',
      'Endpoints',
      'Event',
      'LimitRange',
      'Namespace',
      'Node',
      'PersistentVolumeClaim',
      'PersistentVolume',
      'Pod',
      'ResourceQuota',
      'Secret',
      'ServiceAccount',
      'Service',
      'Binding',
      'PodTemplate',
      'ReplicationController',
    ],
  ],
  'k8s.io.api.apps.v1': [
    'api',
    'apps/v1',
    'appsv1',
    'apps/v1',
    ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  ],
  'k8s.io.api.autoscaling.v1': [
    'api',
    'autoscaling/v1',
    'autoscalingv1',
    'autoscaling/v1',
    ['Scale', 'HorizontalPodAutoscaler'],
  ],
  'k8s.io.api.autoscaling.v2': [
    'api',
    'autoscaling/v2',
    'autoscalingv2',
    'autoscaling/v2',
    ['HorizontalPodAutoscaler'],
  ],
  'k8s.io.api.batch.v1': ['api', 'batch/v1', 'batchv1', 'batch/v1', ['CronJob', 'Job']],
  'k8s.io.api.coordination.v1': [
    'api',
    'coordination/v1',
    'coordinationv1',
    'coordination.k8s.io/v1',
    ['Lease'],
  ],
  'k8s.io.api.discovery.v1': ['api', 'discovery/v1', 'discoveryv1', 'discovery.k8s.io/v1', ['EndpointSlice']],
  'k8s.io.api.events.v1': ['api', 'events/v1', 'eventsv1', 'events.k8s.io/v1', ['Event']],
  'k8s.io.api.networking.v1': [
    'api',
    'networking/v1',
    'networkingv1',
    'networking.k8s.io/v1',
    ['IngressClass', 'Ingress', 'NetworkPolicy'],
  ],
  'k8s.io.api.storage.v1': [
    'api',
    'storage/v1',
    'storagev1',
    'storage.k8s.io/v1',
    ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  ],
  'k8s.io.api.policy.v1': ['api', 'policy/v1', 'policyv1', 'policy/v1', ['Eviction', 'PodDisruptionBudget']],
  'k8s.io.api.scheduling.v1': [
    'api',
    'scheduling/v1',
    'schedulingv1',
    'scheduling.k8s.io/v1',
    ['PriorityClass'],
  ],
  'k8s.io.api.authentication.v1': [
    'api',
    'authentication/v1',
    'authenticationv1',
    'authentication.k8s.io/v1',
    ['TokenRequest', 'SelfSubjectReview', 'TokenReview'],
  ],
  'k8s.io.api.rbac.v1': [
    'api',
    'rbac/v1',
    'rbacv1',
    'rbac.authorization.k8s.io/v1',
    ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  ],
  'k8s.io.api.authorization.v1': [
    'api',
    'authorization/v1',
    'authorizationv1',
    'authorization.k8s.io/v1',
    ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview'],
  ],
  'k8s.io.api.certificates.v1': [
    'api',
    'certificates/v1',
    'certificatesv1',
    'certificates.k8s.io/v1',
    ['CertificateSigningRequest'],
  ],
  'k8s.io.api.node.v1': ['api', 'node/v1', 'nodev1', 'node.k8s.io/v1', ['RuntimeClass']],
};

/** Decoded by api/protobuf/well-known.ts, not described as tables (keep the two in step). */
const wellKnown = new Set([
  'resource.Quantity',
  'intstr.IntOrString',
  'metav1.Time',
  'metav1.MicroTime',
  'metav1.Duration',
  'runtime.RawExtension',
  'metav1.FieldsV1',
  'authenticationv1.ExtraValue',
  'authorizationv1.ExtraValue',
  'certificatesv1.ExtraValue',
]);
const scalars = new Set(['string', 'int32', 'int64', 'bool', 'bytes', 'double', 'float', 'uint32', 'uint64']);
const dirOf = ([root, dir]) => path.join(root === 'api' ? values.api : values.apimachinery, dir);

function resolveType(t, alias) {
  if (scalars.has(t)) return t;
  t = t.replace(/^\./, '');
  const i = t.lastIndexOf('.');
  if (i < 0) return `${alias}.${t}`;
  const p = packages[t.slice(0, i)];
  if (!p) throw new Error(`${t}: package not in the table`);
  return `${p[2]}.${t.slice(i + 1)}`;
}

// Messages from generated.proto: qualified name -> fields {num, label, type, mapKey}.
const messages = new Map();
for (const spec of Object.values(packages)) {
  const alias = spec[2];
  const src = fs
    .readFileSync(path.join(dirOf(spec), 'generated.proto'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');
  for (const m of src.matchAll(/message (\w+) \{([^}]*)\}/g)) {
    const fields = [];
    for (const line of m[2]
      .split(';')
      .map((l) => l.trim())
      .filter(Boolean)) {
      let f = /^map<(\S+),\s*(\S+)>\s+\w+\s*=\s*(\d+)$/.exec(line);
      if (f) {
        fields.push({ label: 'map', mapKey: f[1], type: resolveType(f[2], alias), num: +f[3] });
        continue;
      }
      f = /^(optional|repeated|required)\s+(\S+)\s+\w+\s*=\s*(\d+)/.exec(line);
      if (!f) throw new Error(`${alias}.${m[1]}: cannot read "${line}"`);
      fields.push({ label: f[1], type: resolveType(f[2], alias), num: +f[3] });
    }
    messages.set(`${alias}.${m[1]}`, { alias, name: m[1], fields });
  }
}

// Struct tags from the Go sources: qualified name -> field number -> {json, omitempty, inline, pointer}.
const goFields = new Map();
for (const spec of Object.values(packages)) {
  const dir = dirOf(spec);
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))) {
    const src = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of src.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const byNumber = new Map();
      for (const line of m[2].split('\n').map((l) => l.trim())) {
        if (line.startsWith('//') || !line.includes('protobuf:"')) continue;
        const f = /^(?:\w+\s+)?(\S+)\s+`(.*)`/.exec(line);
        if (!f) throw new Error(`${m[1]}: cannot read "${line}"`);
        const pb = /protobuf:"([^"]*)"/.exec(f[2])[1].split(',');
        const json = (/json:"([^"]*)"/.exec(f[2])?.[1] ?? '').split(',');
        byNumber.set(+pb[1], {
          json: json[0],
          omitempty: json.includes('omitempty'),
          inline: json.includes('inline'),
          pointer: f[1].startsWith('*'),
        });
      }
      goFields.set(`${spec[2]}.${m[1]}`, byNumber);
    }
  }
}

// Everything the kinds reach.
const reached = new Set();
const todo = Object.values(packages).flatMap((p) => p[4].map((k) => `${p[2]}.${k}`));
while (todo.length) {
  const name = todo.pop();
  if (reached.has(name) || wellKnown.has(name)) continue;
  const msg = messages.get(name);
  if (!msg) throw new Error(`no message ${name}`);
  reached.add(name);
  for (const f of msg.fields) if (!scalars.has(f.type)) todo.push(f.type);
}

function fieldText(msg, f) {
  const go = goFields.get(`${msg.alias}.${msg.name}`)?.get(f.num);
  if (!go) throw new Error(`${msg.alias}.${msg.name}: no Go field with protobuf number ${f.num}`);
  const type = f.type.startsWith(`${msg.alias}.`) ? f.type.slice(msg.alias.length + 1) : f.type;
  let text;
  if (f.label === 'map') text = `map[${f.mapKey}]${type}`;
  else if (f.label === 'repeated') text = `[]${type}`;
  else text = (go.pointer ? '*' : '') + type;
  if (f.label === 'optional' && scalars.has(f.type) && !go.pointer && !go.omitempty) text += '!';
  return `${go.inline ? '...' : go.json} ${text}`;
}

for (const spec of Object.values(packages)) {
  const [, dir, alias, groupVersion, kinds] = spec;
  const names = [...reached].filter((n) => n.startsWith(`${alias}.`)).sort();
  if (names.length === 0) continue;
  const goPkg = `${spec[0] === 'api' ? 'k8s.io/api' : 'k8s.io/apimachinery'}/${dir}`;
  let s = `// ${groupVersion === 'v1' ? 'core/v1' : groupVersion} (${goPkg}) as protobuf: field number -> \`jsonName type\` per message,\n`;
  s += `// in the notation of ../schema.ts. Only messages the kinds below reach are listed.\n`;
  s += `import type { PackageSchema } from '../schema.ts';\n\n`;
  s += `export const ${alias}: PackageSchema = {\n  name: '${alias}',\n  groupVersion: '${groupVersion}',\n`;
  s += `  kinds: ${JSON.stringify(kinds).replaceAll('"', "'")},\n  messages: {\n`;
  for (const name of names) {
    const msg = messages.get(name);
    s += `    ${msg.name}: {\n`;
    for (const f of [...msg.fields].sort((a, b) => a.num - b.num))
      s += `      ${f.num}: '${fieldText(msg, f)}',\n`;
    s += `    },\n`;
  }
  s += `  },\n};\n`;
  const file = path.join(
    outDir,
    `${dir
      .split('/')
      .slice(-2)
      .join('-')
      .replace(/^apis-|^pkg-/, '')}.ts`,
  );
  fs.writeFileSync(file, s);
  console.log(`${path.relative(process.cwd(), file)}: ${names.length} messages`);
}
