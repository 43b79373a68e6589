// Protobuf request bodies (`application/vnd.kubernetes.protobuf`, what kubectl's typed clients
// send for built-in kinds) through api/protobuf, with its problems as API statuses: a kind we
// have no schema for is 415 (the client may resend as JSON), anything else wrong is 400.
import { decodeProtobufObject, ProtobufError } from '../../api/protobuf/index.ts';
import type { Decoded } from './document.ts';
import { badRequest, StatusError } from './status.ts';

export function parseProtobuf(body: Uint8Array): Decoded {
  try {
    // Protobuf cannot repeat a JSON key, so there are never duplicate fields to report.
    return { value: decodeProtobufObject(body), duplicateFields: [] };
  } catch (err) {
    if (!(err instanceof ProtobufError)) throw err;
    if (err.problem === 'unsupported')
      throw new StatusError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: err.message,
        reason: 'UnsupportedMediaType',
        code: 415,
      });
    throw badRequest(`the body of the request could not be decoded as protobuf: ${err.message}`);
  }
}
