// Checks of list/watch query options that upstream makes before reaching storage
// (apimachinery's ValidateListOptions), answered as 422 on ListOptions.meta.k8s.io; and the
// parsing of resourceVersion.
import type { FieldError } from '../../../api/resource-type.ts';
import { forbidden, notSupported } from '../../../api/validation/errors.ts';
import { badRequest, invalid } from '../status.ts';
import type { WatchOptions } from './types.ts';

export function validateListOptions(opts: WatchOptions, watch: boolean): void {
  const errs: FieldError[] = [];
  const match = opts.resourceVersionMatch;
  if (watch) {
    if (opts.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
      errs.push(
        forbidden(
          'resourceVersionMatch',
          'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
        ),
      );
    }
    if (match) {
      if (opts.sendInitialEvents === undefined) {
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
          ),
        );
      }
      if (match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['NotOlderThan']));
      if (opts.continue)
        errs.push(
          forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'),
        );
    }
  } else {
    if (match) {
      if (!opts.resourceVersion) {
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch is forbidden unless resourceVersion is provided',
          ),
        );
      }
      if (opts.continue)
        errs.push(
          forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'),
        );
      if (match !== 'Exact' && match !== 'NotOlderThan') {
        errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
      }
      if (match === 'Exact' && opts.resourceVersion === '0') {
        errs.push(
          forbidden(
            'resourceVersionMatch',
            'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
          ),
        );
      }
    }
    if (opts.sendInitialEvents !== undefined)
      errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  if (errs.length > 0) throw invalid('ListOptions', 'meta.k8s.io', '', errs);
}

/** A resourceVersion query parameter as a store revision. */
export function parseResourceVersion(rv: string): number {
  if (!/^[0-9]+$/.test(rv) || !Number.isSafeInteger(Number(rv))) {
    throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  }
  return Number(rv);
}
