// The agent bundle the installer uploads: dist/agent/agent.mjs, built by scripts/build-agent.mjs.
// Built on demand when it is missing or any file it was made from (listed in meta.json) has
// changed since, so a developer's edit to the agent reaches the next node without a manual step.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const AGENT_BUNDLE = join(repoRoot, 'dist', 'agent', 'agent.mjs');
const META = join(repoRoot, 'dist', 'agent', 'meta.json');
const BUILD_SCRIPT = join(repoRoot, 'scripts', 'build-agent.mjs');

/** Why the bundle must be (re)built, or undefined when it is current. */
export function agentBundleStaleReason(): string | undefined {
  if (!existsSync(AGENT_BUNDLE) || !existsSync(META)) return 'missing';
  const built = statSync(AGENT_BUNDLE).mtimeMs;
  let inputs: string[];
  try {
    inputs = (JSON.parse(readFileSync(META, 'utf8')) as { inputs: string[] }).inputs;
  } catch {
    return 'unreadable meta.json';
  }
  for (const input of [...inputs, 'scripts/build-agent.mjs']) {
    const file = join(repoRoot, input);
    if (!existsSync(file)) return `${input} is gone`;
    if (statSync(file).mtimeMs > built) return `${input} changed`;
  }
  return undefined;
}

let building: Promise<string> | undefined;

/** The path of a current agent bundle, building it first if needed (once per process at a time). */
export async function ensureAgentBundle(): Promise<string> {
  if (agentBundleStaleReason() === undefined) return AGENT_BUNDLE;
  building ??= new Promise<string>((done, fail) => {
    execFile(process.execPath, [BUILD_SCRIPT], { cwd: repoRoot, timeout: 300_000 }, (error, _out, stderr) => {
      building = undefined;
      if (error) fail(new Error(`building the agent bundle failed: ${stderr || error.message}`));
      else done(AGENT_BUNDLE);
    });
  });
  return building;
}
