// CRI failures as one error type that keeps the gRPC status code, so callers can tell
// "not found" (often fine: the thing is already gone) from real failures.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

export class CriError extends Error {
  readonly code: GrpcStatus;
  readonly details: string;

  constructor(
    readonly method: string,
    cause: ServiceError,
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
