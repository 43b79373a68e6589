// CRI failures as one error type that keeps the gRPC status code, so callers can tell
// "not found" (often fine: the thing is already gone) from real failures.
import { GrpcStatus } from './grpc-unary.ts';

export class CriError extends Error {
  readonly code: number;
  readonly details: string;

  constructor(
    readonly method: string,
    cause: { code: number; details: string; message: string },
  ) {
    super(`CRI ${method}: ${cause.details || cause.message}`, { cause });
    this.name = 'CriError';
    this.code = cause.code;
    this.details = cause.details;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof CriError && error.code === GrpcStatus.NOT_FOUND;
}

export function isUnavailable(error: unknown): boolean {
  return error instanceof CriError && error.code === GrpcStatus.UNAVAILABLE;
}
