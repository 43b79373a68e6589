// The one error type the protobuf decoder throws. The API server maps `unsupported` to 415
// (the client may resend as JSON) and everything else to 400.

export type ProtobufProblem =
  | 'malformed' // not well-formed protobuf, or a value of the wrong wire type
  | 'unknown-field' // a field number our schema of a known message does not have
  | 'invalid-value' // well-formed, but not a value the field can hold (bad JSON in a RawExtension)
  | 'unsupported'; // well-formed, but a kind (or content encoding) we have no schema for

export class ProtobufError extends Error {
  constructor(
    readonly problem: ProtobufProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ProtobufError';
  }
}
