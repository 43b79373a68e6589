export { LabelMatcher } from './selector.ts';
export { parseLabelSelector } from './parse.ts';
export {
  labelSelectorAsMatcher,
  tryLabelSelectorAsMatcher,
  labelSelectorToString,
} from './label-selector.ts';
export {
  LabelSelectorError,
  newRequirement,
  matchesRequirement,
  type Requirement,
  type Operator,
  type Labels,
} from './requirement.ts';
