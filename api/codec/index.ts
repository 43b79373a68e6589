export { DecodeError, type DecodeProblem, type SourcePosition } from './errors.ts';
export { decodeJSON, defaultMaxDepth, type JSONDecodeOptions, type JSONDecoded } from './json.ts';
export {
  decodeYAMLDocuments,
  defaultMaxAliasCount,
  type YAMLDecodeOptions,
  type YAMLDocument,
} from './yaml.ts';
export {
  decodeObject,
  decodeObjects,
  decodeValue,
  formatFromContentType,
  bodyText,
  isList,
  type BodyFormat,
  type DecodeOptions,
  type DecodedObjects,
  type KubeObject,
} from './decode.ts';
export { encodeJSON, encodeYAML, encodeYAMLDocuments } from './encode.ts';
