// The CRI v1 service definitions. Under tsx they are read from api.proto beside this file; the
// agent bundle (scripts/build-agent.mjs) swaps this module for one carrying the parsed proto
// inline, so a node needs nothing but the one bundle file.
import protobuf, { type IConversionOptions } from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { serviceDefinitions, type ServiceDefinition } from './service-definitions.ts';

export const PROTO_PATH = fileURLToPath(new URL('./api.proto', import.meta.url));

/** The services the kubelet calls. */
export const CRI_SERVICES = ['runtime.v1.RuntimeService', 'runtime.v1.ImageService'] as const;

/** Field names are camelCased (protobufjs's default), as proto-loader's keepCase: false does. */
export function loadCriProto(options: IConversionOptions): Record<string, ServiceDefinition> {
  return serviceDefinitions(protobuf.loadSync(PROTO_PATH), CRI_SERVICES, options);
}
