import * as protoLoader from '@grpc/proto-loader';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CRI_SERVICES, loadCriProto, PROTO_PATH } from './proto-definition.ts';

const OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
};

// What the CRI client used before: proto-loader's definitions, which ours must match on the wire
// and in the objects the kubelet reads.
const reference = protoLoader.loadSync(PROTO_PATH, OPTIONS);
const ours = loadCriProto(OPTIONS);
const method = (defs: Record<string, unknown>, service: string, name: string) =>
  (defs[service] as ServiceDefinition)[name] as MethodDefinition<object, object>;

describe('CRI service definitions', () => {
  it('have the methods, paths and streaming flags proto-loader gives', () => {
    for (const service of CRI_SERVICES) {
      const theirs = reference[service] as ServiceDefinition;
      expect(Object.keys(ours[service]!).sort()).toEqual(Object.keys(theirs).sort());
      for (const name of Object.keys(theirs)) {
        const [a, b] = [method(ours, service, name), method(reference, service, name)];
        expect({ path: a.path, req: a.requestStream, res: a.responseStream, alias: a.originalName }).toEqual({
          path: b.path,
          req: b.requestStream,
          res: b.responseStream,
          alias: b.originalName,
        });
      }
    }
  });

  it('encode and decode messages as proto-loader does (defaults, enums and 64-bit numbers as strings)', () => {
    const status = {
      status: {
        id: 'c1',
        metadata: { name: 'main', attempt: 2 },
        state: 'CONTAINER_EXITED',
        createdAt: '1700000000000000000',
        exitCode: 137,
        labels: { app: 'web' },
        mounts: [{ containerPath: '/data', hostPath: '/var/lib/x', readonly: true }],
      },
      info: { pid: '42' },
    };
    const [a, b] = [
      method(ours, 'runtime.v1.RuntimeService', 'ContainerStatus'),
      method(reference, 'runtime.v1.RuntimeService', 'ContainerStatus'),
    ];
    const bytes = a.responseSerialize(status);
    expect(bytes.equals(b.responseSerialize(status))).toBe(true);
    const decoded = a.responseDeserialize(bytes);
    expect(decoded).toEqual(b.responseDeserialize(bytes));
    expect(decoded).toMatchObject({
      status: { state: 'CONTAINER_EXITED', createdAt: '1700000000000000000' },
    });
    const request = { containerId: 'c1', verbose: false };
    expect(
      a
        .requestSerialize(request)
        .equals(method(reference, 'runtime.v1.RuntimeService', 'ContainerStatus').requestSerialize(request)),
    ).toBe(true);
  });
});
