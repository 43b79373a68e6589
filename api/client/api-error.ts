// Every failure the API server reports reaches callers as an ApiError carrying the Kubernetes
// Status, so code branches on `reason`/`code` (like apimachinery's errors.IsNotFound) instead of
// parsing messages. Network failures stay plain Errors (ECONNREFUSED, ECONNRESET...).
import type { Status } from './types.ts';

export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message || status.reason || `the server responded with status ${status.code}`);
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

// Reasons upstream infers when the body is not a Status (client-go newUnstructuredResponseError).
const reasonForCode: Record<number, [reason: string, message: string]> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  406: ['NotAcceptable', 'the server was unable to respond with a content type that the client supports'],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Gone', 'the server has asked for the client to provide a newer resource version'],
  413: ['RequestEntityTooLarge', 'the server has rejected the request because the request body is too large'],
  415: ['UnsupportedMediaType', 'the server was unable to handle the media type requested'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  500: ['InternalError', 'an error on the server has prevented the request from succeeding'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted'],
};

function isStatus(body: unknown): body is Status {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { kind?: unknown }).kind === 'Status' &&
    typeof (body as { code?: unknown }).code === 'number'
  );
}

/** The ApiError for a non-2xx answer, whether or not the server sent a Status body. */
export function apiErrorFromResponse(statusCode: number, body: unknown): ApiError {
  if (isStatus(body) && body.code === statusCode) return new ApiError(body);
  if (isStatus(body)) return new ApiError({ ...body, code: body.code || statusCode });
  const [reason, fallback] = reasonForCode[statusCode] ?? [
    'Unknown',
    `the server responded with status ${statusCode}`,
  ];
  const text = typeof body === 'string' && body.trim() !== '' ? body.trim() : fallback;
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: statusCode,
    reason,
    message: text,
  });
}

/** The Status an error carries: an ApiError's, or a control-plane StatusError's `.status`. */
export function statusOf(err: unknown): Status | undefined {
  if (err instanceof ApiError) return err.status;
  const status = (err as { status?: unknown } | null)?.status;
  return isStatus(status) ? status : undefined;
}

/** As ApiError, if the error carries a Status (ApiError or a server-side StatusError). */
export function asApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const status = statusOf(err);
  return status ? new ApiError(status) : undefined;
}

const hasReason = (err: unknown, reason: string, code: number) => {
  const s = statusOf(err);
  return s !== undefined && (s.reason === reason || (s.reason === undefined && s.code === code));
};

export const isNotFound = (err: unknown) => hasReason(err, 'NotFound', 404);
export const isAlreadyExists = (err: unknown) => hasReason(err, 'AlreadyExists', 409);
export const isConflict = (err: unknown) => hasReason(err, 'Conflict', 409);
export const isInvalid = (err: unknown) => hasReason(err, 'Invalid', 422);
export const isForbidden = (err: unknown) => hasReason(err, 'Forbidden', 403);
export const isUnauthorized = (err: unknown) => hasReason(err, 'Unauthorized', 401);
export const isTooManyRequests = (err: unknown) => hasReason(err, 'TooManyRequests', 429);

/** 410: the resourceVersion (or continue token) is older than the server keeps; relist. */
export function isExpired(err: unknown): boolean {
  const s = statusOf(err);
  return s !== undefined && (s.code === 410 || s.reason === 'Expired' || s.reason === 'Gone');
}
