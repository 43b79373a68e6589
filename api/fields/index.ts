export { FieldMatcher, FieldSelectorError, parseFieldSelector, escapeValue, unescapeValue } from './parse.ts';
export type { FieldTerm, Fields } from './parse.ts';
export {
  objectFields,
  checkFieldSelector,
  compileFieldSelector,
  matchesFieldSelector,
} from './selectable.ts';
