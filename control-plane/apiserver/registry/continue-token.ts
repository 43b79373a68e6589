// The opaque `continue` token of a paged list, in upstream's format (base64url of
// {"v":"meta.k8s.io/v1","rv":R,"start":"<key after the prefix>"}): the next page is read at the
// same revision R from the start key. (Tokens we handed out earlier also carried "n", the keys
// already returned; remainingItemCount is now counted from the start key, so it is ignored.)
import { badRequest } from '../status.ts';

export interface ContinueToken {
  /** Revision every page is read at; -1 = latest (handed out after the original one expired). */
  rv: number;
  /** Start key relative to the list prefix. */
  start: string;
}

const version = 'meta.k8s.io/v1';

export function encodeContinue(token: ContinueToken): string {
  const body = { v: version, rv: token.rv, start: token.start };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Throws 400 with upstream's wording for anything we did not hand out. */
export function decodeContinue(value: string): ContinueToken {
  let body: any;
  try {
    body = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch (err) {
    throw invalidToken(`continue key is not valid: ${err instanceof Error ? err.message : err}`);
  }
  if (body?.v !== version)
    throw invalidToken('continue key is not valid: server does not recognize this encoded version');
  if (!Number.isInteger(body.rv) || body.rv === 0) {
    throw invalidToken(
      `continue key is not valid: incorrect encoded start resourceVersion (version ${version})`,
    );
  }
  if (typeof body.start !== 'string' || body.start === '') {
    throw invalidToken(`continue key is not valid: encoded start key empty (version ${version})`);
  }
  // Like upstream's path.Clean check: a token can not climb out of the list's prefix.
  if (
    body.start.split('/').some((seg: string) => seg === '..' || seg === '.') ||
    body.start.startsWith('/')
  ) {
    throw invalidToken(`continue key is not valid: ${body.start}`);
  }
  return { rv: body.rv, start: body.start };
}

const invalidToken = (why: string) => badRequest(`invalid continue token: ${why}`);
