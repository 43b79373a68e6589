// Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) to the JSON
// objects the rest of the server handles. kubectl's typed clients send built-in kinds this
// way and never fall back to JSON, so every kind we serve, the request-only kinds kubectl
// sends (Eviction, TokenRequest, SelfSubjectReview, SelfSubjectAccessReview, DeleteOptions),
// and the built-in kinds its generators create (RBAC, PodDisruptionBudget, ...) have a schema.
import { MessageDecoder } from './decode.ts';
import { readEnvelope } from './envelope.ts';
import { ProtobufError } from './errors.ts';
import { compileSchemas, type PackageSchema } from './schema.ts';
import { appsv1 } from './schemas/apps-v1.ts';
import { authenticationv1 } from './schemas/authentication-v1.ts';
import { authorizationv1 } from './schemas/authorization-v1.ts';
import { autoscalingv1 } from './schemas/autoscaling-v1.ts';
import { autoscalingv2 } from './schemas/autoscaling-v2.ts';
import { batchv1 } from './schemas/batch-v1.ts';
import { certificatesv1 } from './schemas/certificates-v1.ts';
import { coordinationv1 } from './schemas/coordination-v1.ts';
import { corev1 } from './schemas/core-v1.ts';
import { discoveryv1 } from './schemas/discovery-v1.ts';
import { eventsv1 } from './schemas/events-v1.ts';
import { metav1 } from './schemas/meta-v1.ts';
import { networkingv1 } from './schemas/networking-v1.ts';
import { nodev1 } from './schemas/node-v1.ts';
import { policyv1 } from './schemas/policy-v1.ts';
import { rbacv1 } from './schemas/rbac-v1.ts';
import { schedulingv1 } from './schemas/scheduling-v1.ts';
import { storagev1 } from './schemas/storage-v1.ts';
import { wellKnownDecoders } from './well-known.ts';
import { WireError } from './wire.ts';

export { ProtobufError, type ProtobufProblem } from './errors.ts';
export { hasProtobufMagic } from './envelope.ts';

export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

export const packages: PackageSchema[] = [
  metav1,
  corev1,
  appsv1,
  autoscalingv1,
  autoscalingv2,
  batchv1,
  coordinationv1,
  discoveryv1,
  eventsv1,
  networkingv1,
  storagev1,
  policyv1,
  schedulingv1,
  authenticationv1,
  rbacv1,
  authorizationv1,
  certificatesv1,
  nodev1,
];

const schemas = compileSchemas(packages, wellKnownDecoders.keys());

/**
 * Options like DeleteOptions are registered in every API group upstream, so a client encodes
 * them with whichever group it is talking to (`v1`, `apps/v1`, ...), not only meta.k8s.io/v1.
 */
const anyGroupKinds = new Set(metav1.kinds);

const decoder = new MessageDecoder(schemas, {
  decodeEmbedded: (bytes, depth) => decodeProtobufObject(bytes, depth),
});

/** The qualified message for a body's apiVersion and kind, or undefined when we have none. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  return (
    schemas.kinds.get(`${apiVersion} ${kind}`) ??
    (anyGroupKinds.has(kind) ? `${metav1.name}.${kind}` : undefined)
  );
}

/**
 * Decode one framed protobuf object into its JSON form, apiVersion and kind first. Throws
 * ProtobufError: `unsupported` for a kind with no schema (answer 415: JSON works), anything
 * else for a body that is broken or holds fields we do not know (answer 400).
 */
export function decodeProtobufObject(body: Uint8Array, depth = 0): Record<string, unknown> {
  const envelope = readEnvelope(body);
  if (envelope.contentEncoding)
    throw new ProtobufError(
      'unsupported',
      `protobuf bodies with content encoding "${envelope.contentEncoding}" are not supported; send the object as application/json`,
    );
  const { apiVersion, kind } = envelope;
  if (!kind)
    throw new ProtobufError(
      'malformed',
      'the protobuf body does not name its kind (runtime.Unknown typeMeta)',
    );
  const message = messageForKind(apiVersion, kind);
  if (!message)
    throw new ProtobufError(
      'unsupported',
      `kind ${kind} (apiVersion ${JSON.stringify(apiVersion)}) is not supported in protobuf by this server; send it as application/json`,
    );
  try {
    return { apiVersion, kind, ...decoder.decode(message, envelope.raw, depth) };
  } catch (err) {
    if (err instanceof WireError)
      throw new ProtobufError('malformed', `${apiVersion} ${kind}: ${err.message}`);
    throw err;
  }
}
