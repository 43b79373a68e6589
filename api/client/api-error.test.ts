import { describe, expect, it } from 'vitest';
import {
  ApiError,
  apiErrorFromResponse,
  asApiError,
  isConflict,
  isExpired,
  isNotFound,
} from './api-error.ts';

describe('ApiError', () => {
  it('keeps the Status the server sent', () => {
    const status = {
      kind: 'Status' as const,
      apiVersion: 'v1',
      status: 'Failure' as const,
      message: 'pods "web" not found',
      reason: 'NotFound',
      details: { name: 'web', kind: 'pods' },
      code: 404,
    };
    const err = apiErrorFromResponse(404, status);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toEqual(status);
    expect(err.message).toBe('pods "web" not found');
    expect(isNotFound(err)).toBe(true);
    expect(isConflict(err)).toBe(false);
  });

  it('makes up a Status like client-go when the body is not one', () => {
    const err = apiErrorFromResponse(503, 'upstream connect error');
    expect(err.status).toMatchObject({
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'upstream connect error',
    });
    const bare = apiErrorFromResponse(404, undefined);
    expect(bare.message).toBe('the server could not find the requested resource');
    expect(isNotFound(bare)).toBe(true);
  });

  it('recognises 410 Gone/Expired from a code or a reason', () => {
    expect(isExpired(apiErrorFromResponse(410, undefined))).toBe(true);
    expect(
      isExpired(
        new ApiError({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }),
      ),
    ).toBe(true);
    expect(isExpired(new Error('ECONNRESET'))).toBe(false);
  });

  it('converts an error carrying a Status (a server-side StatusError) into an ApiError', () => {
    const serverError = Object.assign(new Error('x'), {
      status: { kind: 'Status', code: 409, reason: 'Conflict', message: 'conflict' },
    });
    expect(asApiError(serverError)?.code).toBe(409);
    expect(isConflict(serverError)).toBe(true);
    expect(asApiError(new Error('plain'))).toBeUndefined();
  });
});
