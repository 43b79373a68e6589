// Storage errors mapped to API Status errors in one place, plus the few registry-specific
// Status errors that status.ts does not have (their wording follows upstream's storage layer).
import { CompactedError, FutureRevisionError, KeyExistsError } from '../../storage/errors.ts';
import {
  alreadyExists,
  conflict,
  gone,
  internalError,
  StatusError,
  type GroupResource,
  type StatusDetails,
} from '../status.ts';

/** Upstream's OptimisticLockErrorMsg. */
export const optimisticLockMessage =
  'the object has been modified; please apply your changes to the latest version and try again';

export const listTooOldMessage = 'The resourceVersion for the provided list is too old.';

export const continueTooOldMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/** 504 like upstream's NewTooLargeResourceVersionError: a client asked for a revision the store has not reached. */
export const tooLargeResourceVersion = (requested: number, current: number) =>
  failure(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });

/** 422 without field causes, like upstream's NewGenericServerResponse for a patch that can not apply. */
export const unprocessable = (message: string) => failure(422, 'Invalid', message);

/** 404 for a subresource this resource does not serve. */
export const subresourceNotFound = () =>
  failure(404, 'NotFound', 'the server could not find the requested resource');

/** 410 for a continue token whose revision was compacted; carries a token to go on inconsistently. */
export function continueExpired(inconsistentContinue: string): StatusError {
  const err = gone(continueTooOldMessage);
  err.status.metadata = { continue: inconsistentContinue } as never;
  return err;
}

/** 403 for a rule of the server rather than of the user's rights (upstream's NewForbidden(gr, name, err)). */
export const forbiddenBecause = (gr: GroupResource, name: string, why: string) =>
  failure(
    403,
    'Forbidden',
    `${gr.group ? `${gr.resource}.${gr.group}` : gr.resource} "${name}" is forbidden: ${why}`,
    {
      name,
      group: gr.group,
      kind: gr.resource,
    },
  );

/** Conflict on the object's Kind (upstream's delete preconditions and binding use the kind, not the resource). */
export const kindConflict = (group: string, kind: string, name: string, why: string) =>
  conflict({ group, resource: kind }, name, why);

export function fromStorageError(err: unknown, gr: GroupResource, name: string): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof KeyExistsError) return alreadyExists(gr, name);
  if (err instanceof CompactedError) return gone(listTooOldMessage);
  if (err instanceof FutureRevisionError) return tooLargeResourceVersion(err.requested, err.current);
  return internalError(err);
}
