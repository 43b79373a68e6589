// ResourceQuota and LimitRange validation.
import type { FieldError } from '../resource-type.ts';
import { Quantity } from '../quantity.ts';
import { duplicate, forbidden, invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { entries, isObject, items } from './shape.ts';
import { notList } from './common.ts';
import {
  quantityAt,
  validateContainerResourceName,
  validateResourceName,
  validateResourceQuantityValue,
} from './resources.ts';

const quotaScopes = [
  'BestEffort',
  'CrossNamespacePodAffinity',
  'NotBestEffort',
  'NotTerminating',
  'PriorityClass',
  'Terminating',
];

export function validateResourceQuota(obj: any): FieldError[] {
  const spec = FieldPath.root('spec');
  const s = isObject(obj?.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  for (const [k, v] of entries(s.hard)) {
    const p = spec.child('hard').key(k);
    errs.push(...validateResourceName(k, p));
    errs.push(...validateResourceQuantityValue(k, v, p));
  }
  for (const scope of items(s.scopes))
    if (!quotaScopes.includes(scope)) errs.push(notSupported(spec.child('scopes'), scope, quotaScopes));
  const exprs = isObject(s.scopeSelector) ? items(s.scopeSelector.matchExpressions) : [];
  exprs.forEach((e, i) => {
    const p = spec.child('scopeSelector', 'matchExpressions').index(i);
    if (!isObject(e)) return void errs.push(typeInvalid(p, e, 'must be an object'));
    if (!quotaScopes.includes(e.scopeName))
      errs.push(notSupported(p.child('scopeName'), e.scopeName ?? '', quotaScopes));
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator))
      errs.push(
        notSupported(p.child('operator'), e.operator ?? '', ['DoesNotExist', 'Exists', 'In', 'NotIn']),
      );
  });
  return errs;
}

const limitTypes = ['Container', 'PersistentVolumeClaim', 'Pod'];

export function validateLimitRange(obj: any): FieldError[] {
  const limPath = FieldPath.root('spec', 'limits');
  const limits = isObject(obj?.spec) ? obj.spec.limits : undefined;
  const errs = notList(limits, limPath);
  const seenTypes = new Set<string>();
  items(limits).forEach((limit, i) => {
    const p = limPath.index(i);
    if (!isObject(limit)) return void errs.push(typeInvalid(p, limit, 'must be an object'));
    if (!limit.type) errs.push(required(p.child('type'), ''));
    else if (!limitTypes.includes(limit.type))
      errs.push(notSupported(p.child('type'), limit.type, limitTypes));
    if (seenTypes.has(limit.type)) errs.push(duplicate(p.child('type'), limit.type));
    seenTypes.add(limit.type);
    const nameCheck =
      limit.type === 'Container' || limit.type === 'Pod'
        ? validateContainerResourceName
        : validateResourceName;
    const read = (field: string): Map<string, Quantity> => {
      const out = new Map<string, Quantity>();
      for (const [k, v] of entries(limit[field])) {
        const fp = p.child(field).key(k);
        errs.push(...nameCheck(k, fp));
        const q = quantityAt(v, fp);
        if (q instanceof Quantity) out.set(k, q);
        else errs.push(q);
      }
      return out;
    };
    const max = read('max');
    const min = read('min');
    let defaults = new Map<string, Quantity>();
    let defaultRequests = new Map<string, Quantity>();
    if (limit.type === 'Pod') {
      if (Object.keys(limit.default ?? {}).length)
        errs.push(forbidden(p.child('default'), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(limit.defaultRequest ?? {}).length)
        errs.push(forbidden(p.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
    } else {
      defaults = read('default');
      defaultRequests = read('defaultRequest');
    }
    const ratios = read('maxLimitRequestRatio');
    if (limit.type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage'))
      errs.push(
        required(
          p.child('limits'),
          'either minimum or maximum storage value is required, but neither was provided',
        ),
      );
    const keys = new Set([
      ...max.keys(),
      ...min.keys(),
      ...defaults.keys(),
      ...defaultRequests.keys(),
      ...ratios.keys(),
    ]);
    for (const k of keys) {
      const mn = min.get(k);
      const mx = max.get(k);
      const df = defaults.get(k);
      const dr = defaultRequests.get(k);
      const ratio = ratios.get(k);
      if (mn && mx && mn.cmp(mx) > 0)
        errs.push(
          invalid(p.child('min').key(k), mn.toString(), `min value ${mn} is greater than max value ${mx}`),
        );
      if (dr && mn && mn.cmp(dr) > 0)
        errs.push(
          invalid(
            p.child('defaultRequest').key(k),
            dr.toString(),
            `min value ${mn} is greater than default request value ${dr}`,
          ),
        );
      if (dr && mx && dr.cmp(mx) > 0)
        errs.push(
          invalid(
            p.child('defaultRequest').key(k),
            dr.toString(),
            `default request value ${dr} is greater than max value ${mx}`,
          ),
        );
      if (dr && df && dr.cmp(df) > 0)
        errs.push(
          invalid(
            p.child('defaultRequest').key(k),
            dr.toString(),
            `default request value ${dr} is greater than default limit value ${df}`,
          ),
        );
      if (df && mn && mn.cmp(df) > 0)
        errs.push(
          invalid(
            p.child('default').key(k),
            mn.toString(),
            `min value ${mn} is greater than default value ${df}`,
          ),
        );
      if (df && mx && df.cmp(mx) > 0)
        errs.push(
          invalid(
            p.child('default').key(k),
            mx.toString(),
            `default value ${df} is greater than max value ${mx}`,
          ),
        );
      if (ratio && ratio.cmp(Quantity.fromInt(1)) < 0)
        errs.push(
          invalid(p.child('maxLimitRequestRatio').key(k), ratio.toString(), `ratio ${ratio} is less than 1`),
        );
      if (ratio && mn && mx && !mn.isZero()) {
        const limitRatio = mx.milliValue() / mn.milliValue();
        if (ratio.milliValue() / 1000 > limitRatio)
          errs.push(
            invalid(
              p.child('maxLimitRequestRatio').key(k),
              ratio.toString(),
              `ratio ${ratio} is greater than max/min = ${limitRatio.toFixed(6)}`,
            ),
          );
      }
    }
  });
  return errs;
}
