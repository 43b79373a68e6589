// `kubectl get controllerrevisions`: NAME CONTROLLER REVISION AGE; CONTROLLER is `daemonset.apps/name`.
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';

function controller(obj: any): string {
  const ref = (obj?.metadata?.ownerReferences ?? []).find((r: any) => r?.controller === true);
  if (!ref) return '<none>';
  const apiVersion = String(ref.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = String(ref.kind ?? '');
  if (!kind && !group) return ref.name ?? '';
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name ?? ''}`;
}

export const controllerRevisionPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object', controller),
    column(
      'Revision',
      'string',
      'Revision indicates the revision of the state represented by Data.',
      (o) => o.revision ?? 0,
    ),
    ageColumn,
  ],
};
