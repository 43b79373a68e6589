// The agent bundle the installer uploads: dist/agent/agent.mjs, built by scripts/build-agent.mjs.
// Built on demand when it is missing or any file it was made from (listed in meta.json) has
// changed since, so a developer's edit to the agent reaches the next node without a manual step.
// "Changed" means different content: a file newer than the bundle is hashed and compared with
// the hash meta.json recorded, so a touched-but-equal file costs a hash, not a rebuild.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const AGENT_BUNDLE = join(repoRoot, 'dist', 'agent', 'agent.mjs');
const BUILD_SCRIPT = join(repoRoot, 'scripts', 'build-agent.mjs');

/** Why the bundle must be (re)built, or undefined when it is current. */
export function agentBundleStaleReason(root = repoRoot): string | undefined {
  const bundle = join(root, 'dist', 'agent', 'agent.mjs');
  const metaFile = join(root, 'dist', 'agent', 'meta.json');
  if (!existsSync(bundle) || !existsSync(metaFile)) return 'missing';
  const built = statSync(bundle).mtimeMs;
  let meta: { inputs: string[]; hashes?: Record<string, string> };
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as typeof meta;
  } catch {
    return 'unreadable meta.json';
  }
  for (const input of [...meta.inputs, 'scripts/build-agent.mjs']) {
    const file = join(root, input);
    if (!existsSync(file)) return `${input} is gone`;
    if (statSync(file).mtimeMs <= built) continue;
    const recorded = meta.hashes?.[input];
    if (recorded === undefined || recorded !== sha256(file)) return `${input} changed`;
  }
  return undefined;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

let building: Promise<string> | undefined;

/**
 * The path of a current agent bundle, building it first if needed (once per process at a time).
 * FLOTILLA_AGENT_BUNDLE names a prebuilt one, used as is: the packaged desktop app ships it as
 * a resource and has neither the sources nor the build script (electron/main/supervisor-mode.ts).
 */
export async function ensureAgentBundle(): Promise<string> {
  const prebuilt = process.env['FLOTILLA_AGENT_BUNDLE'];
  if (prebuilt) {
    if (!existsSync(prebuilt))
      throw new Error(`the agent bundle ${prebuilt} (FLOTILLA_AGENT_BUNDLE) is missing`);
    return prebuilt;
  }
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
