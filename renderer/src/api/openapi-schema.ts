// The cluster's own OpenAPI v3, for the YAML editor's hints: the /openapi/v3 index names one
// document per group-version; each is fetched once (per cluster shown) and kept. A schema is
// found by the `x-kubernetes-group-version-kind` its kind carries, and fields are walked through
// `$ref` and `allOf` the way the server writes them.
import { getJson } from './client.ts';

export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  enum?: unknown[];
  required?: string[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface OpenApiDocument {
  components?: { schemas?: Record<string, Schema> };
}

/** `v1` -> `api/v1`, `apps/v1` -> `apis/apps/v1`: the document's key in the index. */
export function groupVersionKey(apiVersion: string): string {
  return apiVersion.includes('/') ? `apis/${apiVersion}` : `api/${apiVersion}`;
}

/** A group-version's schemas, with the lookups the editor needs. */
export class SchemaSet {
  constructor(private readonly doc: OpenApiDocument) {}

  private get schemas(): Record<string, Schema> {
    return this.doc.components?.schemas ?? {};
  }

  /** The top-level schema of a kind in this group-version. */
  kind(apiVersion: string, kind: string): Schema | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return Object.values(this.schemas).find((s) =>
      s['x-kubernetes-group-version-kind']?.some(
        (g) => g.group === group && g.version === version && g.kind === kind,
      ),
    );
  }

  /** The kinds one can write in this group-version (not their lists, not Status). */
  kinds(apiVersion: string): string[] {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const kinds = new Set<string>();
    for (const s of Object.values(this.schemas))
      for (const g of s['x-kubernetes-group-version-kind'] ?? [])
        if (g.group === group && g.version === version && !g.kind.endsWith('List') && g.kind !== 'Status')
          kinds.add(g.kind);
    return [...kinds].sort();
  }

  /**
   * Follows `$ref` and single-entry `allOf` (how a field with a description points at its type)
   * to the schema that has the type; the field's own description wins.
   */
  resolve(schema: Schema | undefined): Schema | undefined {
    let s = schema;
    const description = schema?.description;
    for (let depth = 0; s && depth < 20; depth++) {
      const next = s.$ref ? this.schemas[s.$ref.replace('#/components/schemas/', '')] : s.allOf?.[0];
      if (!next) break;
      const own = { ...s };
      delete own.$ref;
      delete own.allOf;
      s = { ...next, ...own };
    }
    return s && description ? { ...s, description } : s;
  }

  /**
   * The schema at a path below `root`: map keys by name, list items by '[]'. Undefined when the
   * path leaves the schema (an unknown field, or a free-form map such as labels).
   */
  at(root: Schema, path: readonly string[]): Schema | undefined {
    let s = this.resolve(root);
    for (const step of path) {
      if (!s) return undefined;
      if (step === '[]') s = this.resolve(s.items);
      else if (s.properties) s = this.resolve(s.properties[step]);
      else if (typeof s.additionalProperties === 'object') s = this.resolve(s.additionalProperties);
      else return undefined;
    }
    return s;
  }

  /** What `kubectl explain` calls a field's type: `integer`, `[]Container`, `map[string]string`, `Object`. */
  typeName(field: Schema | undefined): string {
    const ref = field?.$ref ?? field?.allOf?.[0]?.$ref;
    if (ref) return ref.split('.').pop()!;
    const s = this.resolve(field);
    if (!s) return '';
    if (s.type === 'array') return `[]${this.typeName(s.items)}`;
    if (s.type === 'object' && typeof s.additionalProperties === 'object')
      return `map[string]${this.typeName(s.additionalProperties)}`;
    if (s.oneOf) return s.oneOf.map((o) => o.type).join(' | ');
    return s.type ?? 'Object';
  }
}

/** Fetches and keeps the cluster's OpenAPI documents, one request per group-version. */
export class OpenApiCache {
  private index: Promise<Record<string, string>> | undefined;
  private readonly sets = new Map<string, Promise<SchemaSet | undefined>>();

  constructor(private readonly fetchJson: <T>(path: string) => Promise<T> = getJson) {}

  private paths(): Promise<Record<string, string>> {
    this.index ??= this.fetchJson<{ paths?: Record<string, { serverRelativeURL: string }> }>(
      '/openapi/v3',
    ).then(
      (i) => Object.fromEntries(Object.entries(i.paths ?? {}).map(([k, v]) => [k, v.serverRelativeURL])),
      (err: unknown) => {
        this.index = undefined; // try again next time
        throw err;
      },
    );
    return this.index;
  }

  /** Every group-version the server documents, as apiVersion values (`v1`, `apps/v1`). */
  async apiVersions(): Promise<string[]> {
    return Object.keys(await this.paths())
      .filter((k) => /^apis?\//.test(k))
      .map((k) => k.replace(/^apis?\//, ''))
      .sort();
  }

  /** The schemas of `apiVersion` (e.g. `apps/v1`); undefined when the server does not serve it. */
  groupVersion(apiVersion: string): Promise<SchemaSet | undefined> {
    const key = groupVersionKey(apiVersion);
    let set = this.sets.get(key);
    if (!set) {
      set = this.paths().then(async (paths) => {
        const url = paths[key];
        return url ? new SchemaSet(await this.fetchJson<OpenApiDocument>(url)) : undefined;
      });
      set.catch(() => this.sets.delete(key));
      this.sets.set(key, set);
    }
    return set;
  }
}

/** The shown cluster's documents (switching clusters reloads the page, and with it this cache). */
export const clusterOpenApi = new OpenApiCache();
