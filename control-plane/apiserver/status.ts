// Errors as Kubernetes Status objects. Anything below the HTTP layer throws a StatusError; the
// HTTP layer serialises `err.status` with `err.status.code`. Messages follow upstream's wording
// (k8s.io/apimachinery/pkg/api/errors) because kubectl prints them verbatim.
import type { FieldError } from '../../api/resource-type.ts';
import type { StatusCause, StatusDetails } from '../../api/types/meta.ts';

export type { StatusCause, StatusDetails } from '../../api/types/meta.ts';

/** meta/v1 Status as the server writes it: every field set (api/types/meta.ts has the optional wire form). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? `status ${status.code}`);
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
}

/** Resource as upstream names it in messages: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

const qualified = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

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

export const notFound = (gr: GroupResource, name: string) =>
  failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });

export const alreadyExists = (gr: GroupResource, name: string) =>
  failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });

export const conflict = (gr: GroupResource, name: string, why: string) =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });

/** 422 with field causes: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: ...`. */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const causes = errs.map(fieldErrorToCause);
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return failure(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group,
    kind,
    causes,
  });
}

const typeText: Record<string, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Upstream field.Error.ErrorBody(): `Invalid value: -1: must be >= 0`, `Required value`. */
export function fieldErrorToCause(e: FieldError): StatusCause {
  let message = typeText[e.type] ?? e.type;
  const showsValue =
    e.type === 'FieldValueInvalid' ||
    e.type === 'FieldValueNotSupported' ||
    e.type === 'FieldValueDuplicate' ||
    e.type === 'FieldValueNotFound' ||
    e.type === 'FieldValueTypeInvalid';
  if (showsValue && e.badValue !== undefined) {
    message += `: ${typeof e.badValue === 'string' ? JSON.stringify(e.badValue) : JSON.stringify(e.badValue)}`;
  }
  if (e.detail) message += `: ${e.detail}`;
  return { reason: e.type, message, field: e.field };
}

export const badRequest = (message: string) => failure(400, 'BadRequest', message);
export const unauthorized = () => failure(401, 'Unauthorized', 'Unauthorized');
export const forbidden = (
  user: string,
  verb: string,
  gr: GroupResource,
  namespace: string | undefined,
  name?: string,
) =>
  failure(
    403,
    'Forbidden',
    `${qualified(gr)}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${gr.resource}" in API group "${gr.group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
    { ...(name ? { name } : {}), group: gr.group, kind: gr.resource },
  );
/** 403 for a non-resource URL, like upstream's authorizer: `forbidden: User "bob" cannot get path "/foo"`. */
export const forbiddenPath = (user: string, verb: string, path: string) =>
  failure(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`);
/** 404 for a URL no route serves (upstream's go-restful wording). */
export const pathNotFound = () =>
  failure(404, 'NotFound', 'the server could not find the requested resource');
/** 405 when the path exists but not for this HTTP method (upstream's go-restful wording). */
export const methodNotAllowed = () =>
  failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
export const methodNotSupported = (gr: GroupResource, action: string) =>
  failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualified(gr)}"`, {
    group: gr.group,
    kind: gr.resource,
  });
export const gone = (message: string) => failure(410, 'Expired', message);
export const tooLarge = (message = 'the request body is too large') =>
  failure(413, 'RequestEntityTooLarge', message);
export const unsupportedMediaType = (contentType: string) =>
  failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${contentType}")`,
  );
export const notAcceptable = (accept: string) =>
  failure(
    406,
    'NotAcceptable',
    `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf (got "${accept}")`,
  );
export const internalError = (err: unknown) =>
  failure(
    500,
    'InternalError',
    `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
  );
export const tooManyRequests = (message: string, retryAfterSeconds = 1) =>
  failure(429, 'TooManyRequests', message, { retryAfterSeconds });
/** 504 for a read at a revision the store has not reached yet; client-go retries on the cause. */
export const resourceVersionTooLarge = (requested: number, current: number) =>
  failure(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
export const forbiddenNamespaceTerminating = (gr: GroupResource, name: string, namespace: string) =>
  failure(
    403,
    'Forbidden',
    `${qualified(gr)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      name,
      group: gr.group,
      kind: gr.resource,
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ],
    },
  );
export const namespaceNotFound = (namespace: string) =>
  notFound({ group: '', resource: 'namespaces' }, namespace);

export function success(details?: StatusDetails): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
    code: 200,
  };
}
