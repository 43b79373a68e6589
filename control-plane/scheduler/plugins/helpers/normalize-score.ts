// Scale raw scores to 0..maxNodeScore, the highest becoming the maximum (upstream
// helper.DefaultNormalizeScore); `reverse` makes the lowest raw score the best.
import { maxNodeScore, type NodeScore } from '../../framework/interfaces.ts';

export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxNodeScore;
    return;
  }
  for (const s of scores) {
    let v = Math.trunc((maxNodeScore * s.score) / max);
    if (reverse) v = maxNodeScore - v;
    s.score = v;
  }
}
