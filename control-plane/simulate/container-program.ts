// What a simulated container "does", read from its command and args, since nothing really runs:
//
//   no command and no args        runs until the pod is deleted (the image's own server)
//   true, :                       exits 0 at once          false        exits 1 at once
//   exit N                        exits N at once          sleep N      exits 0 after N seconds
//   sleep infinity, tail -f ...   runs forever             while/until  runs forever (a loop)
//   echo, printf, date, env, ...  harmless commands: take no time, succeed
//   sh -c "a; b && c || d"        (also bash, ash, dash) each step as above, with ; && || and
//                                 exit ending the script; the last status is the exit code
//   anything else                 a program we can not know: in a pod that restarts always (a
//                                 Deployment's) it runs forever; in a Job-like pod
//                                 (restartPolicy Never/OnFailure) it succeeds at once
//
// So `kubectl create job pi --image=perl -- perl -e '...'` completes, `sh -c "sleep 5; exit 3"`
// fails after five seconds, and a plain `nginx` Deployment keeps running.
import type { Container, Pod } from '../../api/types/index.ts';

export type ContainerPlan = { forever: true } | { forever: false; runMs: number; exitCode: number };

const forever: ContainerPlan = { forever: true };
const shells = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const harmless = new Set([
  'echo',
  'printf',
  'date',
  'env',
  'printenv',
  'hostname',
  'pwd',
  'ls',
  'id',
  'whoami',
  'uname',
  'test',
  '[',
  'touch',
  'mkdir',
  'rm',
  'cp',
  'mv',
  'ln',
  'chmod',
  'chown',
  'wc',
  'head',
  'sync',
  'cat',
  'nslookup',
  'wget',
  'curl',
  'ping',
  'nc',
]);

const basename = (s: string) => s.slice(s.lastIndexOf('/') + 1);

/** Seconds of a `sleep` argument (`5`, `1.5`, `2m`, `1h`), or undefined for infinity/garbage. */
function sleepSeconds(arg: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(arg ?? '');
  if (!m) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

interface StepResult {
  ms: number;
  code: number;
  forever?: boolean;
  /** `exit` ends the script. */
  exit?: boolean;
  unknown?: boolean;
}

function runWords(words: string[], jobLike: boolean): StepResult {
  const [cmd, ...rest] = words;
  if (!cmd) return { ms: 0, code: 0 };
  const name = basename(cmd);
  if (name === 'true' || name === ':') return { ms: 0, code: 0 };
  if (name === 'false') return { ms: 0, code: 1 };
  if (name === 'exit') return { ms: 0, code: Number.parseInt(rest[0] ?? '0', 10) || 0, exit: true };
  if (name === 'sleep') {
    const s = sleepSeconds(rest[0]);
    return s === undefined ? { ms: 0, code: 0, forever: true } : { ms: Math.round(s * 1000), code: 0 };
  }
  if (name === 'tail' && rest.some((a) => a === '-f' || a === '-F')) return { ms: 0, code: 0, forever: true };
  if (name === 'while' || name === 'until') return { ms: 0, code: 0, forever: true };
  if (shells.has(name)) {
    const i = rest.indexOf('-c');
    if (i >= 0) return runScript(rest[i + 1] ?? '', jobLike);
  }
  if (harmless.has(name)) return { ms: 0, code: 0 };
  return jobLike ? { ms: 0, code: 0, unknown: true } : { ms: 0, code: 0, forever: true, unknown: true };
}

/** Split a shell word list, honouring simple quotes. */
function words(statement: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(statement); m; m = re.exec(statement)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

function runScript(script: string, jobLike: boolean): StepResult {
  // Statements and the operator before each: ; && || or a newline.
  const parts = script.split(/(;|&&|\|\||\n)/);
  let total = 0;
  let code = 0;
  let op = ';';
  for (const part of parts) {
    if (part === ';' || part === '\n' || part === '&&' || part === '||') {
      op = part;
      continue;
    }
    const statement = part.trim().replace(/&$/, '').trim();
    if (!statement) continue;
    if ((op === '&&' && code !== 0) || (op === '||' && code === 0)) continue;
    const w = words(statement);
    if (w[0] === 'do' || w[0] === 'done' || w[0] === 'then' || w[0] === 'fi') continue;
    const r = runWords(w, jobLike);
    if (r.forever) return { ms: total, code: 0, forever: true };
    total += r.ms;
    code = r.code;
    if (r.exit) break;
  }
  return { ms: total, code };
}

/** The plan for one container of the pod. */
export function planContainer(container: Container, pod: Pod): ContainerPlan {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (argv.length === 0) return forever;
  const jobLike = (pod.spec?.restartPolicy ?? 'Always') !== 'Always';
  const r = runWords(argv, jobLike);
  return r.forever ? forever : { forever: false, runMs: r.ms, exitCode: r.code };
}
