// One JSON or YAML document from a request body, through api/codec with its caps: nesting depth
// (deeply nested input would overflow every recursive walker after the parser) and YAML aliases
// (billion laughs). Decoding problems become 400s that say what is wrong and where.
import { DecodeError, decodeValue } from '../../api/codec/index.ts';
import { badRequest } from './status.ts';

export interface Decoded {
  value: unknown;
  /** Keys repeated within one object, by path (`data.a`); fieldValidation decides what they mean. */
  duplicateFields: string[];
}

export function parseDocument(body: Uint8Array, format: 'json' | 'yaml'): Decoded {
  try {
    return decodeValue(body, { format });
  } catch (err) {
    if (err instanceof DecodeError)
      throw badRequest(`the body of the request could not be decoded: ${err.message}`);
    if (err instanceof RangeError)
      throw badRequest('the body of the request could not be decoded: it is nested too deeply');
    throw err;
  }
}

/** True when a body holds nothing but whitespace (an absent optional body). */
export function isBlank(body: Uint8Array): boolean {
  for (const c of body) if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  return true;
}
