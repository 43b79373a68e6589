// Generates api/openapi/schemas.gen.ts, the OpenAPI definitions of every type in api/types/,
// from the TypeScript declarations themselves: one definition per exported interface, named
// like upstream (`io.k8s.api.apps.v1.Deployment`), descriptions from the fields' doc comments,
// formats and list semantics from JSDoc tags (`@format int64`, `@patchMergeKey name`,
// `@patchStrategy merge`, `@listType map`, `@listMapKey name`). Run it after changing a type:
//   npx tsx scripts/gen-openapi.ts
// The output is deterministic; a test regenerates it and fails when the checked-in file is stale.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outputPath = join(root, 'api/openapi/schemas.gen.ts');

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const intOrString = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** The upstream Go package of each file's types; files not listed are core/v1. */
const packageOfFile: Record<string, string> = {
  'meta.ts': meta,
  'deployment.ts': 'io.k8s.api.apps.v1',
  'replica-set.ts': 'io.k8s.api.apps.v1',
  'stateful-set.ts': 'io.k8s.api.apps.v1',
  'daemon-set.ts': 'io.k8s.api.apps.v1',
  'controller-revision.ts': 'io.k8s.api.apps.v1',
  'job.ts': 'io.k8s.api.batch.v1',
  'cron-job.ts': 'io.k8s.api.batch.v1',
  'horizontal-pod-autoscaler.ts': 'io.k8s.api.autoscaling.v2',
  'ingress.ts': 'io.k8s.api.networking.v1',
  'endpoint-slice.ts': 'io.k8s.api.discovery.v1',
  'lease.ts': 'io.k8s.api.coordination.v1',
  'certificate-signing-request.ts': 'io.k8s.api.certificates.v1',
  'priority-class.ts': 'io.k8s.api.scheduling.v1',
  'storage-class.ts': 'io.k8s.api.storage.v1',
};

/** Interfaces whose TypeScript name differs from the upstream one. */
const renamed: Record<string, string> = { EventsV1Event: 'io.k8s.api.events.v1.Event' };

/** Helper interfaces that are not API types. */
const skipped = new Set(['TypeMeta', 'List', 'KubernetesObject']);

/** Type aliases with an upstream definition of their own, or an inline upstream shape. */
const aliasSchemas: Record<string, Schema> = {
  IntOrString: { $ref: `#/definitions/${intOrString}` },
  QuantityString: { $ref: `#/definitions/${quantity}` },
  Time: { type: 'string', format: 'date-time' },
  MicroTime: { type: 'string', format: 'date-time' },
};

export type Schema = Record<string, unknown>;

interface Found {
  name: string;
  decl: ts.InterfaceDeclaration;
}

/** The module's text, formatted like the rest of the repository (so prettier leaves it alone). */
export async function generateSchemasModule(): Promise<string> {
  const text = schemasModuleText();
  const options = await prettier.resolveConfig(outputPath);
  return prettier.format(text, { ...options, filepath: outputPath });
}

function schemasModuleText(): string {
  const typesDir = join(root, 'api/types');
  const program = ts.createProgram([join(typesDir, 'index.ts')], {
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const byDecl = new Map<ts.InterfaceDeclaration, string>();
  const found: Found[] = [];
  for (const file of program.getSourceFiles()) {
    if (dirname(file.fileName) !== typesDir) continue;
    const pkg = packageOfFile[basename(file.fileName)] ?? 'io.k8s.api.core.v1';
    for (const stmt of file.statements) {
      if (!ts.isInterfaceDeclaration(stmt) || skipped.has(stmt.name.text)) continue;
      if (!stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      const name = renamed[stmt.name.text] ?? `${pkg}.${stmt.name.text}`;
      byDecl.set(stmt, name);
      found.push({ name, decl: stmt });
    }
  }

  const schemaOfType = (node: ts.TypeNode): Schema => {
    if (ts.isParenthesizedTypeNode(node)) return schemaOfType(node.type);
    if (ts.isArrayTypeNode(node)) return { type: 'array', items: schemaOfType(node.elementType) };
    if (ts.isLiteralTypeNode(node)) {
      if (node.literal.kind === ts.SyntaxKind.NullKeyword) return {};
      if (ts.isStringLiteral(node.literal)) return { type: 'string' };
      if (ts.isNumericLiteral(node.literal)) return { type: 'integer', format: 'int32' };
      return { type: 'boolean' };
    }
    if (ts.isUnionTypeNode(node)) {
      // `X | null` is X; unions of string literals (and `| string`) are strings.
      const members = node.types.filter(
        (t) => !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword),
      );
      const schemas = members.map(schemaOfType);
      const first = JSON.stringify(schemas[0]);
      if (schemas.every((s) => JSON.stringify(s) === first)) return schemas[0]!;
      if (schemas.every((s) => s.type === 'string')) return { type: 'string' };
      return {};
    }
    if (ts.isTypeLiteralNode(node)) return objectSchema(node.members, undefined);
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'integer', format: 'int32' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.AnyKeyword:
        return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    }
    if (ts.isTypeReferenceNode(node)) {
      const id = node.typeName.getText();
      if (id === 'Record') {
        const value = node.typeArguments![1]!;
        if (value.kind === ts.SyntaxKind.UnknownKeyword || value.kind === ts.SyntaxKind.AnyKeyword)
          return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
        return { type: 'object', additionalProperties: schemaOfType(value) };
      }
      if (aliasSchemas[id]) return aliasSchemas[id]!;
      let symbol = checker.getSymbolAtLocation(node.typeName);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      const decl = symbol?.declarations?.[0];
      if (decl && ts.isInterfaceDeclaration(decl) && byDecl.has(decl))
        return { $ref: `#/definitions/${byDecl.get(decl)}` };
      if (decl && ts.isTypeAliasDeclaration(decl)) return schemaOfType(decl.type);
      throw new Error(`gen-openapi: no schema for type ${id} (${node.getSourceFile().fileName})`);
    }
    throw new Error(`gen-openapi: unsupported type ${node.getText()}`);
  };

  const propertySchema = (member: ts.PropertySignature): Schema => {
    const symbol = checker.getSymbolAtLocation(member.name)!;
    let schema = schemaOfType(member.type!);
    const tags = Object.fromEntries(
      symbol.getJsDocTags(checker).map((t) => [t.name, ts.displayPartsToString(t.text).trim()]),
    );
    if (tags['format']) {
      const target =
        schema.type === 'array'
          ? (schema.items as Schema)
          : ((schema.additionalProperties as Schema | undefined) ?? schema);
      target.format = tags['format'];
      if (target.format === 'double') target.type = 'number';
    }
    const description = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    if (description) schema = { description, ...schema };
    if (tags['listType']) schema['x-kubernetes-list-type'] = tags['listType'];
    if (tags['listMapKey']) schema['x-kubernetes-list-map-keys'] = tags['listMapKey'].split(/[\s,]+/);
    if (tags['patchMergeKey']) schema['x-kubernetes-patch-merge-key'] = tags['patchMergeKey'];
    if (tags['patchStrategy']) schema['x-kubernetes-patch-strategy'] = tags['patchStrategy'];
    return schema;
  };

  function objectSchema(
    members: ts.NodeArray<ts.TypeElement>,
    heritage: ts.NodeArray<ts.HeritageClause> | undefined,
  ): Schema {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    // Inherited fields first (TypeMeta's apiVersion and kind), as upstream objects list them.
    for (const clause of heritage ?? [])
      for (const t of clause.types) {
        let symbol = checker.getSymbolAtLocation(t.expression);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        const decl = symbol?.declarations?.[0];
        if (!decl || !ts.isInterfaceDeclaration(decl)) continue;
        const inherited = objectSchema(decl.members, decl.heritageClauses);
        Object.assign(properties, inherited.properties);
        required.push(...((inherited.required as string[] | undefined) ?? []));
      }
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const name = member.name.getText().replace(/^'|'$/g, '');
      properties[name] = propertySchema(member);
      if (!member.questionToken) required.push(name);
    }
    const sortedProps = Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      type: 'object',
      ...(required.length ? { required: [...new Set(required)].sort() } : {}),
      properties: sortedProps,
    };
  }

  const definitions: Record<string, Schema> = {
    [intOrString]: {
      description:
        'IntOrString holds either an int32 or a string: a port number or a port name, a count or a percentage. JSON and YAML carry the inner value as it is.',
      type: 'string',
      format: 'int-or-string',
    },
    [quantity]: {
      description:
        'Quantity is a fixed-point number with an optional suffix: binary SI (Ki, Mi, Gi, Ti, Pi, Ei), decimal SI (m, k, M, G, T, P, E) or a decimal exponent (e3, E6). Examples: 100m, 1.5Gi, 2. Note that 1Ki is 1024 but 1k is 1000.',
      type: 'string',
    },
  };
  for (const { name, decl } of found) {
    const symbol = checker.getSymbolAtLocation(decl.name)!;
    const description = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const body = objectSchema(decl.members, decl.heritageClauses);
    definitions[name] = description ? { description, ...body } : body;
  }
  const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1)));
  return [
    '// GENERATED by scripts/gen-openapi.ts from api/types/: do not edit; run `npx tsx scripts/gen-openapi.ts`.',
    '// OpenAPI v2 definitions keyed by upstream name; references are `#/definitions/<name>`.',
    `import type { OpenApiSchema } from './schema.ts';`,
    '',
    `export const definitions: Record<string, OpenApiSchema> = ${JSON.stringify(sorted, null, 2)};`,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(outputPath, await generateSchemasModule());
  console.log(`wrote ${outputPath}`);
}
