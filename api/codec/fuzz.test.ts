// Hostile input: random and mutated bodies and selectors must only ever produce our typed errors,
// and must finish.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError, decodeObject, decodeObjects, decodeValue } from './index.ts';
import { LabelSelectorError, labelSelectorAsMatcher, parseLabelSelector } from '../labels/index.ts';
import { FieldSelectorError, compileFieldSelector } from '../fields/index.ts';
import { QuantityError, parseQuantity } from '../quantity.ts';
import { CronError, parseCronSchedule } from '../cron.ts';
import { lookupKind } from '../resources.ts';

function onlyThrows(types: (new (...a: any[]) => Error)[], fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!types.some((t) => err instanceof t)) throw err;
  }
}

const manifest = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  labels: {app: web}',
  'spec:',
  '  replicas: 2',
  '  selector:',
  '    matchLabels: {app: web}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      containers:',
  '      - name: web',
  '        image: "nginx:1.27"',
  '        args: ["--port", "80"]',
  '---',
  'apiVersion: v1',
  'kind: List',
  'items: [{kind: ConfigMap, data: {a: "1"}}]',
].join('\n');
const json = JSON.stringify({
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'x', env: [{ name: 'A', value: '1' }] }] },
});

/** The text with a few characters replaced, inserted or deleted. */
const mutated = (text: string) =>
  fc
    .array(
      fc.tuple(
        fc.nat(text.length),
        fc.constantFrom('del', 'ins', 'rep'),
        fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          ':',
          ',',
          '"',
          "'",
          '&',
          '*',
          '!',
          '-',
          '#',
          '\n',
          ' ',
          '\\',
          'a',
          '0',
          '|',
          '>',
          '?',
          '%',
          '@',
          '`',
        ),
      ),
      {
        minLength: 1,
        maxLength: 8,
      },
    )
    .map((edits) => {
      let s = text;
      for (const [pos, op, ch] of edits) {
        const i = pos % (s.length + 1);
        s =
          op === 'del'
            ? s.slice(0, i) + s.slice(i + 1)
            : op === 'ins'
              ? s.slice(0, i) + ch + s.slice(i)
              : s.slice(0, i) + ch + s.slice(i + 1);
      }
      return s;
    });

const pods = lookupKind('v1', 'Pod')!;

describe('hostile input', () => {
  it('decoders only throw DecodeError on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        onlyThrows([DecodeError], () => decodeObjects(s));
        onlyThrows([DecodeError], () => decodeObject(s, { format: 'json' }));
        onlyThrows([DecodeError], () => decodeValue(s, { format: 'yaml' }));
      }),
      { numRuns: 300 },
    );
  });

  it('decoders only throw DecodeError on mutated manifests and bodies', () => {
    fc.assert(
      fc.property(mutated(manifest), mutated(json), (yamlText, jsonText) => {
        onlyThrows([DecodeError], () => decodeObjects(yamlText));
        onlyThrows([DecodeError], () => decodeObject(jsonText));
        onlyThrows([DecodeError], () => decodeObjects(jsonText, { format: 'yaml' }));
      }),
      { numRuns: 300 },
    );
  });

  it('decoders agree with JSON.parse on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v);
        expect(decodeValue(text, { format: 'json' }).value).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it('selector, quantity and schedule parsers only throw their own errors', () => {
    const selectorChars = fc.constantFrom(
      'a',
      'b',
      '=',
      '!',
      ',',
      '(',
      ')',
      ' ',
      'in',
      'notin',
      '>',
      '<',
      '\\',
      '/',
      '.',
      '-',
      '_',
      '@',
      '1',
    );
    fc.assert(
      fc.property(
        fc.array(selectorChars, { maxLength: 30 }).map((a) => a.join('')),
        fc.string({ maxLength: 40 }),
        (sel, s) => {
          onlyThrows([LabelSelectorError], () => parseLabelSelector(sel));
          onlyThrows([LabelSelectorError], () => parseLabelSelector(s));
          onlyThrows([FieldSelectorError], () => compileFieldSelector(sel, pods));
          onlyThrows([FieldSelectorError], () => compileFieldSelector(s, pods));
          onlyThrows([QuantityError], () => parseQuantity(s));
          onlyThrows([CronError], () => parseCronSchedule(s));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('LabelSelector objects of any shape only throw LabelSelectorError', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        onlyThrows([LabelSelectorError], () => labelSelectorAsMatcher(v as any));
      }),
      { numRuns: 300 },
    );
  });
});
