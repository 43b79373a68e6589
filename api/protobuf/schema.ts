// Our own compact description of the Kubernetes protobuf messages: per message, field number ->
// one short string `jsonName type`, written in Go-like notation because the rules that decide
// the JSON come from the Go structs (k8s.io/api types.go) the messages are generated from:
//
//   'replicas *int32'              pointer: present on the wire means set, so 0 is kept
//   'minReadySeconds int32'        plain field with json omitempty: 0 / "" / false are dropped
//   'name string!'                 plain field without omitempty: zero values are kept
//   'containers []Container'       repeated
//   'labels map[string]string'     map (entries are messages {key = 1, value = 2})
//   'template corev1.PodTemplateSpec'   message, qualified when it lives in another package
//   '... VolumeSource'             embedded Go struct (json:",inline"): its fields join the parent
//
// Scalars are the protobuf ones (string, bytes, bool, int32, int64, uint32, uint64, double,
// float). Messages in well-known.ts (Quantity, IntOrString, Time, ...) have their own decoders.
// Non-pointer messages are always on the wire and always kept, like Go's encoding/json keeps
// structs (`status: {}`), so `*` on a message only documents the Go type.

export interface PackageSchema {
  /** How other packages qualify references to this one: `corev1`, `metav1`. */
  name: string;
  /** apiVersion of its kinds: `v1`, `apps/v1`. */
  groupVersion: string;
  /** Messages a request body may hold at the top level (with apiVersion and kind). */
  kinds: string[];
  messages: Record<string, Record<number, string>>;
}

export const scalarTypes = [
  'string',
  'bytes',
  'bool',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'double',
  'float',
] as const;
export type ScalarType = (typeof scalarTypes)[number];

export function isScalar(t: string): t is ScalarType {
  return (scalarTypes as readonly string[]).includes(t);
}

export interface FieldSpec {
  number: number;
  /** The JSON field name; '' for an embedded (inline) struct. */
  json: string;
  inline: boolean;
  cardinality: 'single' | 'repeated' | 'map';
  /** A scalar, or a qualified message name (`corev1.Container`). */
  type: string;
  /** Map keys are always scalars. */
  mapKey?: ScalarType;
  /** Keep zero scalar values: the Go field is a pointer or not omitempty. */
  keepZero: boolean;
}

export interface MessageSpec {
  /** Qualified name: `appsv1.DeploymentSpec`. */
  name: string;
  /** For messages: `apps/v1 DeploymentSpec`. */
  displayName: string;
  fields: Map<number, FieldSpec>;
}

const fieldPattern = /^(\.\.\.|[A-Za-z_$][\w$]*) (\*|\[\]|map\[(\w+)\])?([\w.]+)(!)?$/;

/** Parse one `jsonName type` string. Throws on notation errors (a bug in a schema file). */
export function parseField(pkg: string, number: number, text: string): FieldSpec {
  const m = fieldPattern.exec(text);
  if (!m) throw new Error(`${pkg}: field ${number}: cannot parse "${text}"`);
  const [, name, prefix, mapKey, rawType, bang] = m;
  if (mapKey !== undefined && !isScalar(mapKey))
    throw new Error(`${pkg}: field ${number}: map key must be a scalar in "${text}"`);
  const type = isScalar(rawType!) || rawType!.includes('.') ? rawType! : `${pkg}.${rawType}`;
  const cardinality = prefix === '[]' ? 'repeated' : mapKey !== undefined ? 'map' : 'single';
  const inline = name === '...';
  if (inline && (cardinality !== 'single' || isScalar(type)))
    throw new Error(`${pkg}: field ${number}: only a single message can be inline in "${text}"`);
  return {
    number,
    json: inline ? '' : name!,
    inline,
    cardinality,
    type,
    ...(mapKey !== undefined ? { mapKey: mapKey as ScalarType } : {}),
    keepZero: prefix === '*' || bang === '!',
  };
}

export interface CompiledSchemas {
  messages: Map<string, MessageSpec>;
  /** `apps/v1 Deployment` -> `appsv1.Deployment`. */
  kinds: Map<string, string>;
}

/**
 * Compile package tables into message specs, checking that every referenced message exists
 * (in some package or among `wellKnown`), so a typo fails at load time rather than mid-request.
 */
export function compileSchemas(packages: PackageSchema[], wellKnown: Iterable<string>): CompiledSchemas {
  const messages = new Map<string, MessageSpec>();
  const kinds = new Map<string, string>();
  for (const pkg of packages) {
    for (const [msgName, table] of Object.entries(pkg.messages)) {
      const fields = new Map<number, FieldSpec>();
      for (const [num, text] of Object.entries(table))
        fields.set(Number(num), parseField(pkg.name, Number(num), text));
      messages.set(`${pkg.name}.${msgName}`, {
        name: `${pkg.name}.${msgName}`,
        displayName: `${pkg.groupVersion} ${msgName}`,
        fields,
      });
    }
    for (const kind of pkg.kinds) {
      if (!pkg.messages[kind]) throw new Error(`${pkg.name}: kind ${kind} has no message`);
      kinds.set(`${pkg.groupVersion} ${kind}`, `${pkg.name}.${kind}`);
    }
  }
  const known = new Set(wellKnown);
  for (const msg of messages.values())
    for (const f of msg.fields.values())
      if (!isScalar(f.type) && !messages.has(f.type) && !known.has(f.type))
        throw new Error(`${msg.name}: field ${f.number} refers to unknown message ${f.type}`);
  return { messages, kinds };
}
