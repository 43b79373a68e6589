// Objects straight off the wire can have any shape: defaulting and validation must report, never
// throw. Valid fixtures get random values planted at random paths and run through the raw
// (unguarded) rules.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rawRulesFor } from '../rules.ts';
import { validObjects } from '../testing/fixtures.ts';
import { nameValidatorFor, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

/** Every path (as keys) to a value inside `v`. */
function paths(
  v: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function plant(obj: any, path: (string | number)[], value: unknown): any {
  if (path.length === 0) return value;
  let cur = obj;
  for (const k of path.slice(0, -1)) cur = cur[k];
  cur[path[path.length - 1]] = value;
  return obj;
}

const junk = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    '',
    0,
    -1,
    1.5,
    true,
    'x',
    [],
    {},
    [null],
    { a: 1 },
    '10Gi',
    'None',
    'Always',
    '*',
    1e300,
    -0,
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('rules on malformed objects', () => {
  const keys = Object.keys(validObjects);
  it.each(keys)('%s never throws', (key) => {
    const [group, kind] = key.split('/');
    const rules = rawRulesFor(group, kind);
    const base = validObjects[key]();
    rules.defaults?.(base);
    const all = paths(base);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(all.length - 1), junk), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (plants, asUpdate) => {
          let obj = structuredClone(base);
          for (const [i, value] of plants) {
            try {
              obj = plant(obj, all[i], structuredClone(value));
            } catch {
              // the path no longer exists after an earlier plant
            }
          }
          rules.defaults?.(obj);
          const errs = rules.validate?.(obj, asUpdate ? base : undefined) ?? [];
          expect(Array.isArray(errs)).toBe(true);
          if (typeof obj === 'object' && obj !== null) {
            validateObjectMeta(obj.metadata, {
              namespaced: true,
              nameValidator: nameValidatorFor(group, kind),
            });
            validateObjectMetaUpdate(obj.metadata, base.metadata);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
