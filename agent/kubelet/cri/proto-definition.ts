// The CRI v1 service definitions. Under tsx they are read from api.proto beside this file; the
// agent bundle (scripts/build-agent.mjs) swaps this module for one carrying the parsed proto
// inline, so a node needs nothing but the one bundle file.
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

export const PROTO_PATH = fileURLToPath(new URL('./api.proto', import.meta.url));

export function loadCriProto(options: protoLoader.Options): protoLoader.PackageDefinition {
  return protoLoader.loadSync(PROTO_PATH, options);
}
