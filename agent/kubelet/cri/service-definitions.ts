// Service definitions for the CRI services (grpc-js's shape: path, streaming flags,
// serializers), made straight from the protobufjs types: what @grpc/proto-loader does, minus the
// reflection data it builds and keeps for every message type (a descriptor object and the
// encoded file descriptors), which nothing here uses. That, with proto-loader itself and the
// descriptor.proto it loads, was ~1.1 MiB of the agent's heap (issue #6: agent memory).
import type { IConversionOptions, Root, Type } from 'protobufjs';

export interface MethodDefinition<Req = object, Res = object> {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: Req): Buffer;
  requestDeserialize(bytes: Buffer): Req;
  responseSerialize(value: Res): Buffer;
  responseDeserialize(bytes: Buffer): Res;
  originalName: string;
  /**
   * Generates the code that encodes, decodes and converts this method's messages (and every
   * message inside them) now rather than on the first call, which protobufjs otherwise does.
   */
  prepare(): void;
}

export type ServiceDefinition = Record<string, MethodDefinition>;

/** The services in `names` (fully qualified, `runtime.v1.RuntimeService`), keyed by that name. */
export function serviceDefinitions(
  root: Root,
  names: readonly string[],
  options: IConversionOptions,
): Record<string, ServiceDefinition> {
  const out: Record<string, ServiceDefinition> = {};
  for (const name of names) {
    const service = root.lookupService(name);
    const methods: ServiceDefinition = {};
    for (const method of service.methodsArray) {
      method.resolve();
      const request = method.resolvedRequestType!;
      const response = method.resolvedResponseType!;
      methods[method.name] = {
        path: `/${name}/${method.name}`,
        requestStream: Boolean(method.requestStream),
        responseStream: Boolean(method.responseStream),
        requestSerialize: serializer(request),
        requestDeserialize: deserializer(request, options),
        responseSerialize: serializer(response),
        responseDeserialize: deserializer(response, options),
        // grpc-js also names each method in lower camel case, as proto-loader's originalName does.
        originalName: method.name[0]!.toLowerCase() + method.name.slice(1),
        prepare: () => {
          const done = new Set<Type>();
          generateCode(request, done);
          generateCode(response, done);
        },
      };
    }
    out[name] = methods;
  }
  return out;
}

function serializer(type: Type): (value: object) => Buffer {
  return (value) => {
    const bytes = type.encode(type.fromObject(value)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer(type: Type, options: IConversionOptions): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), options);
}

function generateCode(type: Type, done: Set<Type>): void {
  if (done.has(type)) return;
  done.add(type);
  type.setup();
  for (const field of type.fieldsArray) {
    field.resolve();
    const nested = field.resolvedType;
    // Message fields only (enums have no code); duck-typed, as protobufjs/light's Type is
    // another class than the full build's.
    if (nested && 'fieldsArray' in nested) generateCode(nested as Type, done);
  }
}
