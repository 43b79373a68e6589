// Decoding hand-built protobuf bodies: each test states the wire input field by field (as
// gogo-generated Marshal code lays it out) and the JSON a client would have sent instead.
import { describe, expect, it } from 'vitest';
import { resourceTypes } from '../resources.ts';
import { decodeProtobufObject, messageForKind, ProtobufError } from './index.ts';
import * as w from './testing/writer.ts';

const decode = (apiVersion: string, kind: string, ...fields: w.Field[]) =>
  decodeProtobufObject(w.envelope(apiVersion, kind, w.fields(...fields)));

/** ObjectMeta as gogo writes a fresh one: every non-pointer field, zero or not. */
const objectMeta = (name: string, ...extra: w.Field[]) =>
  w.message(
    1,
    w.string(1, name),
    w.string(2, ''),
    w.string(3, ''),
    w.string(4, ''),
    w.string(5, ''),
    w.string(6, ''),
    w.varint(7, 0),
    w.message(8), // creationTimestamp: the zero Time is an empty message
    ...extra,
  );

function problemOf(fn: () => unknown): { problem: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtobufError) return { problem: err.problem, message: err.message };
    throw err;
  }
  throw new Error('expected a ProtobufError');
}

describe('decodeProtobufObject', () => {
  it('decodes a Deployment like kubectl create deployment sends it, zero values as JSON has them', () => {
    const container = w.message(
      2,
      w.string(1, 'nginx'),
      w.string(2, 'nginx'),
      w.message(6, w.string(1, ''), w.varint(2, 0), w.varint(3, 80), w.string(4, ''), w.string(5, '')),
      w.message(8), // resources: {}
      w.string(5, ''), // workingDir: "" is omitempty, so dropped
      w.varint(16, false), // stdin: false is omitempty, so dropped
    );
    const obj = decode(
      'apps/v1',
      'Deployment',
      objectMeta('web', w.mapEntry(11, 'app', 'web')),
      w.message(
        2,
        w.varint(1, 0), // replicas is *int32: present means set, so 0 is kept
        w.message(2, w.mapEntry(1, 'app', 'web')),
        w.message(3, objectMeta('', w.mapEntry(11, 'app', 'web')), w.message(2, container)),
        w.message(4), // strategy: {}
        w.varint(5, 0), // minReadySeconds: 0 is omitempty, so dropped
        w.varint(7, false),
      ),
      w.message(3),
    );
    expect(obj).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }],
          },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('keeps zero values of fields without omitempty (container name, port)', () => {
    const obj = decode(
      'v1',
      'Pod',
      objectMeta('p'),
      w.message(2, w.message(2, w.string(1, ''), w.message(6, w.varint(3, 0)))),
    );
    expect(obj.spec).toEqual({ containers: [{ name: '', ports: [{ containerPort: 0 }] }] });
  });

  it('merges embedded structs into their parent (Volume.volumeSource, Probe.handler, LocalObjectReference)', () => {
    const obj = decode(
      'v1',
      'Pod',
      objectMeta('p'),
      w.message(
        2,
        w.message(
          1,
          w.string(1, 'conf'),
          w.message(2, w.message(19, w.message(1, w.string(1, 'my-config')))),
        ),
        w.message(
          2,
          w.string(1, 'c'),
          w.message(
            10,
            w.message(
              1,
              w.message(2, w.string(1, '/healthz'), w.message(2, w.varint(1, 1), w.string(3, 'http'))),
            ),
            w.varint(2, 5),
          ),
        ),
      ),
    );
    expect(obj.spec).toEqual({
      volumes: [{ name: 'conf', configMap: { name: 'my-config' } }],
      containers: [
        { name: 'c', livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 } },
      ],
    });
  });

  it('writes Secret data (map<string, bytes>) as base64 and keeps empty values', () => {
    const obj = decode(
      'v1',
      'Secret',
      objectMeta('s'),
      w.message(2, w.string(1, 'token'), w.bytes(2, Uint8Array.of(0xff, 0x00, 0x41))),
      w.message(2, w.string(1, 'empty')), // a map value that is absent is the zero value
      w.string(3, 'Opaque'),
    );
    expect(obj.data).toEqual({ token: '/wBB', empty: '' });
    expect(obj.type).toBe('Opaque');
  });

  it('decodes Quantity, IntOrString, Time and negative numbers', () => {
    const obj = decode(
      'v1',
      'Service',
      objectMeta('svc'),
      w.message(
        2,
        w.message(1, w.string(1, 'http'), w.varint(3, 80), w.message(4, w.varint(1, 0), w.varint(2, 8080))),
        w.message(1, w.string(1, 'named'), w.varint(3, 81), w.message(4, w.varint(1, 1), w.string(3, 'web'))),
      ),
    );
    expect((obj.spec as any).ports).toEqual([
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'named', port: 81, targetPort: 'web' },
    ]);

    const quota = decode(
      'v1',
      'ResourceQuota',
      objectMeta('q'),
      w.message(2, w.mapEntry(1, 'cpu', [w.string(1, '500m')]), w.mapEntry(1, 'pods', [])),
    );
    expect(quota.spec).toEqual({ hard: { cpu: '500m', pods: '0' } });

    const ns = decode(
      'v1',
      'Namespace',
      objectMeta('n', w.message(9, w.varint(1, 1700000000), w.varint(2, 999)), w.varint(10, -5)),
    );
    expect(ns.metadata).toMatchObject({
      deletionTimestamp: '2023-11-14T22:13:20Z',
      deletionGracePeriodSeconds: -5,
    });
  });

  it('writes MicroTime with microseconds', () => {
    const ev = decode(
      'events.k8s.io/v1',
      'Event',
      objectMeta('e'),
      w.message(2, w.varint(1, 1700000000), w.varint(2, 123456789)),
    );
    expect(ev.eventTime).toBe('2023-11-14T22:13:20.123456Z');
    const sc = decode('storage.k8s.io/v1', 'StorageClass', objectMeta('sc'), w.string(2, 'example.com/csi'));
    expect(sc.provisioner).toBe('example.com/csi');
  });

  it('parses RawExtension bytes as the JSON they hold', () => {
    const rev = decode(
      'apps/v1',
      'ControllerRevision',
      objectMeta('r'),
      w.message(2, w.string(1, '{"spec":{"a":[1,2]}}')),
      w.varint(3, 2),
    );
    expect(rev).toMatchObject({ data: { spec: { a: [1, 2] } }, revision: 2 });
    expect(
      problemOf(() =>
        decode('apps/v1', 'ControllerRevision', objectMeta('r'), w.message(2, w.string(1, '{not json'))),
      ).problem,
    ).toBe('invalid-value');
  });

  it('reads repeated numbers packed or not', () => {
    const obj = decode(
      'v1',
      'Pod',
      objectMeta('p'),
      w.message(
        2,
        w.message(
          14,
          w.packed(4, [1000, 2000]), // supplementalGroups, packed
          w.varint(4, 3000), // and one more unpacked
        ),
      ),
    );
    expect(obj.spec).toEqual({ securityContext: { supplementalGroups: [1000, 2000, 3000] } });
  });

  it('merges a message field that appears twice, as protobuf does', () => {
    const obj = decode(
      'v1',
      'ConfigMap',
      objectMeta('a'),
      w.message(1, w.mapEntry(11, 'x', '1')),
      w.mapEntry(2, 'k', 'v'),
    );
    expect(obj).toMatchObject({ metadata: { name: 'a', labels: { x: '1' } }, data: { k: 'v' } });
  });

  it('decodes the request-only kinds kubectl sends: Eviction, TokenRequest, DeleteOptions', () => {
    const eviction = decode(
      'policy/v1',
      'Eviction',
      objectMeta('web-1', w.string(3, 'default')),
      w.message(2, w.varint(1, 0), w.string(4, 'Foreground'), w.string(5, 'All')),
    );
    expect(eviction).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-1', namespace: 'default', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] },
    });
    const token = decode(
      'authentication.k8s.io/v1',
      'TokenRequest',
      objectMeta(''),
      w.message(2, w.string(1, 'https://kubernetes.default.svc'), w.varint(4, 3600)),
      w.message(3, w.string(1, ''), w.message(2)),
    );
    expect(token).toMatchObject({
      spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 },
      status: { token: '', expirationTimestamp: null },
    });
    // Options travel with the apiVersion of whatever group the client talks to.
    const del = decode('v1', 'DeleteOptions', w.varint(1, 30), w.string(4, 'Background'));
    expect(del).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 30,
      propagationPolicy: 'Background',
    });
  });

  it('refuses an unknown field, naming the message, the field number and where it sits', () => {
    const p = problemOf(() =>
      decode('apps/v1', 'Deployment', objectMeta('d'), w.message(2, w.varint(99, 1))),
    );
    expect(p.problem).toBe('unknown-field');
    expect(p.message).toBe('unknown field number 99 in message apps/v1 DeploymentSpec at spec');
  });

  it('refuses a value of the wrong wire type', () => {
    const p = problemOf(() =>
      decode('apps/v1', 'Deployment', objectMeta('d'), w.message(2, w.string(1, '3'))),
    );
    expect(p.problem).toBe('malformed');
    expect(p.message).toMatch(
      /field 1 of message apps\/v1 DeploymentSpec \(spec.replicas\) is length-delimited, expected varint/,
    );
  });

  it('calls a kind without a schema unsupported, saying JSON works', () => {
    const p = problemOf(() => decode('stable.example.com/v1', 'CronTab', objectMeta('r')));
    expect(p.problem).toBe('unsupported');
    expect(p.message).toMatch(/kind CronTab .* is not supported in protobuf .* application\/json/);
  });

  it('refuses bodies that are not framed protobuf, truncated, or encoded', () => {
    expect(problemOf(() => decodeProtobufObject(new TextEncoder().encode('{"kind":"Pod"}'))).problem).toBe(
      'malformed',
    );
    const whole = w.envelope('v1', 'ConfigMap', w.fields(objectMeta('a')));
    expect(problemOf(() => decodeProtobufObject(whole.subarray(0, whole.length - 6))).problem).toBe(
      'malformed',
    );
    expect(
      problemOf(() => decodeProtobufObject(w.envelope('v1', 'ConfigMap', new Uint8Array(0), 'gzip'))).problem,
    ).toBe('unsupported');
    expect(problemOf(() => decode('v1', 'ConfigMap', w.string(2, 'x'))).message).toMatch(
      /length-delimited|map/,
    );
  });

  it('has a schema for every kind the server serves', () => {
    const missing = resourceTypes
      .filter((rt) => !messageForKind(rt.group ? `${rt.group}/${rt.version}` : rt.version, rt.kind))
      .map((rt) => `${rt.group}/${rt.version} ${rt.kind}`);
    expect(missing).toEqual([]);
  });
});
