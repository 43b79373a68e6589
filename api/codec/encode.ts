// Objects to JSON or YAML. YAML looks like `kubectl get -o yaml`: keys sorted, list items not
// indented under their key, strings that YAML 1.1 would misread (`yes`, `0777`) quoted, no
// line folding.
import { stringify } from 'yaml';

export function encodeJSON(obj: unknown, opts: { pretty?: boolean } = {}): string {
  return opts.pretty ? `${JSON.stringify(obj, null, 2)}\n` : JSON.stringify(obj);
}

export function encodeYAML(obj: unknown): string {
  return stringify(obj, {
    version: '1.1',
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

/** Several objects as one multi-document YAML stream. */
export function encodeYAMLDocuments(objs: unknown[]): string {
  return objs.map(encodeYAML).join('---\n');
}
