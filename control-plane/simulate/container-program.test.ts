import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/index.ts';
import { planContainer } from './container-program.ts';

const plan = (
  argv: { command?: string[]; args?: string[] },
  restartPolicy: 'Always' | 'Never' | 'OnFailure' = 'Never',
) => {
  const pod: Pod = { spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox', ...argv }] } };
  return planContainer(pod.spec!.containers[0]!, pod);
};
const exits = (runMs: number, exitCode: number) => ({ forever: false, runMs, exitCode });
const forever = { forever: true };

describe('planContainer', () => {
  it.each([
    { name: 'no command: the image runs until deleted', argv: {}, want: forever },
    { name: 'true', argv: { command: ['true'] }, want: exits(0, 0) },
    { name: 'false', argv: { command: ['/bin/false'] }, want: exits(0, 1) },
    { name: 'sleep N', argv: { command: ['sleep', '5'] }, want: exits(5000, 0) },
    { name: 'sleep with a unit', argv: { command: ['sleep'], args: ['2m'] }, want: exits(120_000, 0) },
    { name: 'sleep infinity', argv: { command: ['sleep', 'infinity'] }, want: forever },
    { name: 'sh -c "exit 3"', argv: { command: ['sh', '-c', 'exit 3'] }, want: exits(0, 3) },
    {
      name: 'a script adds up its sleeps',
      argv: { command: ['/bin/sh', '-c', 'echo start; sleep 1; sleep 2; exit 4'] },
      want: exits(3000, 4),
    },
    {
      name: '&& stops at a failure',
      argv: { command: ['sh', '-c', 'false && sleep 10'] },
      want: exits(0, 1),
    },
    {
      name: '|| recovers from a failure',
      argv: { command: ['sh', '-c', 'false || true'] },
      want: exits(0, 0),
    },
    {
      name: 'exit ends the script',
      argv: { command: ['bash', '-c', 'exit 0; sleep 100'] },
      want: exits(0, 0),
    },
    {
      name: 'a while loop runs forever',
      argv: { command: ['sh', '-c', 'while true; do echo hi; sleep 5; done'] },
      want: forever,
    },
    { name: 'tail -f runs forever', argv: { command: ['tail', '-f', '/dev/null'] }, want: forever },
    {
      name: 'an unknown program in a Job pod finishes',
      argv: { command: ['perl', '-wle', 'print 1'] },
      want: exits(0, 0),
    },
  ])('$name', ({ argv, want }) => {
    expect(plan(argv)).toEqual(want);
  });

  it('an unknown program in a pod that always restarts is a server: it keeps running', () => {
    expect(plan({ command: ['nginx', '-g', 'daemon off;'] }, 'Always')).toEqual(forever);
  });
});
