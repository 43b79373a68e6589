#!/usr/bin/env node
// Bundles the node agent into one ESM file, dist/agent/agent.mjs, with every dependency inside
// and the CRI proto inline: the installer uploads just that file to a node that has a Node.js
// runtime and nothing else of ours. `npm run build:agent`; the installer runs it on demand
// when the bundle is missing or any file it was built from (meta.json lists them with their
// content hashes) has changed.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const AGENT_BUNDLE = join(repoRoot, 'dist', 'agent', 'agent.mjs');
export const AGENT_BUNDLE_META = join(repoRoot, 'dist', 'agent', 'meta.json');
const PROTO = join(repoRoot, 'agent', 'kubelet', 'cri', 'api.proto');

// Replaces agent/kubelet/cri/proto-definition.ts with the proto parsed at build time (field
// names camelCased, as protobufjs's parser does by default) and read with protobufjs/light: the
// bundle carries neither the .proto parser nor @grpc/proto-loader. The JSON is parsed inside the
// function, so its objects are garbage once the services are built.
const inlineCriProto = {
  name: 'inline-cri-proto',
  setup(b) {
    b.onLoad({ filter: /agent[\\/]kubelet[\\/]cri[\\/]proto-definition\.ts$/ }, (args) => {
      const json = JSON.stringify(protobuf.loadSync(PROTO).toJSON());
      return {
        loader: 'js',
        resolveDir: dirname(args.path),
        contents: [
          "import { Root } from 'protobufjs/light';",
          "import { serviceDefinitions } from './service-definitions.ts';",
          "export const PROTO_PATH = 'api.proto (inline)';",
          "export const CRI_SERVICES = ['runtime.v1.RuntimeService', 'runtime.v1.ImageService'];",
          'export function loadCriProto(options) {',
          `  return serviceDefinitions(Root.fromJSON(JSON.parse(${JSON.stringify(json)})), CRI_SERVICES, options);`,
          '}',
        ].join('\n'),
      };
    });
  },
};

export async function buildAgent() {
  mkdirSync(dirname(AGENT_BUNDLE), { recursive: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [join(repoRoot, 'agent', 'main.ts')],
    outfile: AGENT_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    plugins: [inlineCriProto],
    // V8 keeps the whole source text alive (a 2.8 MB string, 1.9 MB without whitespace and with
    // shorter syntax) for lazy compilation and Function.prototype.toString: about 1 MiB of the
    // agent's heap. Identifiers stay, so stack traces still name our functions.
    minifyWhitespace: true,
    minifySyntax: true,
    // CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __flotillaCreateRequire } from 'node:module'; const require = __flotillaCreateRequire(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(repoRoot, resolve(repoRoot, p)));
  // Native addons cannot travel in one JS file; the control plane should not either (it makes
  // the bundle bigger and couples the agent to it), but pure helpers from it still work.
  const native = inputs.filter((p) => p.endsWith('.node') || p.includes('better-sqlite3'));
  if (native.length > 0)
    throw new Error(`the agent bundle cannot include native modules: ${native.join(', ')}`);
  const controlPlane = inputs.filter((p) => p.startsWith('control-plane/') || p.startsWith('electron/'));
  if (controlPlane.length > 0)
    process.stderr.write(`build-agent: warning: the agent pulls in ${controlPlane.join(', ')}\n`);
  // Content hashes, not only mtimes: a checkout, `git stash` or an editor's touch changes an
  // mtime without changing the file, and a rebuild for that costs seconds on every cluster create.
  const hashes = {};
  for (const input of [...inputs, relative(repoRoot, PROTO), 'scripts/build-agent.mjs'])
    hashes[input] = contentHash(join(repoRoot, input));
  writeFileSync(
    AGENT_BUNDLE_META,
    `${JSON.stringify({ inputs: [...inputs, relative(repoRoot, PROTO)], hashes }, null, 1)}\n`,
  );
  return AGENT_BUNDLE;
}

/** sha256 of a file's bytes, hex (agent-bundle.ts compares the same). */
export function contentHash(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildAgent();
  process.stdout.write(`${relative(process.cwd(), file)}\n`);
}
