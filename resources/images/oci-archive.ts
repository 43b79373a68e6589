// Writes an OCI image-layout archive (https://github.com/opencontainers/image-spec/blob/main/image-layout.md):
// `oci-layout`, `index.json` and content-addressed blobs (config, manifest, one gzip layer).
// `ctr images import` and `skopeo` read it; the index annotations carry the image name so
// the import names the image without extra flags.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tar, type TarEntry } from './tar.ts';

export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  exposedPorts?: string[]; // e.g. '80/tcp'
  labels?: Record<string, string>;
}

export interface ImageRecipe {
  /** Full reference, e.g. `flotilla.local/busybox:1`. */
  name: string;
  config: ImageConfig;
  /** The root filesystem, as the single layer. */
  files: TarEntry[];
}

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface OciArchive {
  archive: Buffer;
  /** The image manifest (what a registry serves for the tag). */
  manifest: Buffer;
  /** Every blob by digest: config, layer and manifest (what a registry serves). */
  blobs: Map<string, Buffer>;
  /** sha256 digest of the manifest: what containerd reports as the image's digest. */
  manifestDigest: string;
  /** sha256 digest of the config: what CRI reports as the image ID. */
  configDigest: string;
}

export function ociArchive(recipe: ImageRecipe): OciArchive {
  const layerTar = tar(recipe.files);
  const layer = gzipSync(layerTar, { level: 9 });
  const config = json({
    created: '2000-01-01T00:00:00Z',
    architecture: ociArchitecture(process.arch),
    os: 'linux',
    config: imageConfigJson(recipe.config),
    rootfs: { type: 'layers', diff_ids: [digest(layerTar)] },
    history: [{ created: '2000-01-01T00:00:00Z', created_by: `flotilla image recipe ${recipe.name}` }],
  });
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: digest(config), size: config.length },
    layers: [{ mediaType: MEDIA_TYPES.layer, digest: digest(layer), size: layer.length }],
  });
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [
      {
        mediaType: MEDIA_TYPES.manifest,
        digest: digest(manifest),
        size: manifest.length,
        annotations: {
          'io.containerd.image.name': recipe.name,
          'org.opencontainers.image.ref.name': tagOf(recipe.name),
        },
      },
    ],
  });
  const blob = (b: Buffer): TarEntry => ({
    type: 'file',
    path: `blobs/sha256/${digest(b).slice('sha256:'.length)}`,
    content: b,
  });
  const archive = tar([
    { type: 'file', path: 'oci-layout', content: json({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', path: 'index.json', content: index },
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
    blob(config),
    blob(manifest),
    blob(layer),
  ]);
  const blobs = new Map([config, manifest, layer].map((b) => [digest(b), b]));
  return { archive, manifest, blobs, manifestDigest: digest(manifest), configDigest: digest(config) };
}

export function digest(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** Node's `process.arch` in OCI/Go spelling. */
export function ociArchitecture(arch: string): string {
  const known: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    s390x: 's390x',
    ppc64: 'ppc64le',
  };
  const mapped = known[arch];
  if (!mapped) throw new Error(`no OCI architecture for ${arch}`);
  return mapped;
}

/** The tag of a reference (`flotilla.local/pause:3.10` → `3.10`), `latest` when there is none. */
export function tagOf(reference: string): string {
  const lastPart = reference.slice(reference.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon < 0 ? 'latest' : lastPart.slice(colon + 1);
}

function imageConfigJson(c: ImageConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (c.env) out.Env = c.env;
  if (c.entrypoint) out.Entrypoint = c.entrypoint;
  if (c.cmd) out.Cmd = c.cmd;
  if (c.workingDir) out.WorkingDir = c.workingDir;
  if (c.exposedPorts) out.ExposedPorts = Object.fromEntries(c.exposedPorts.map((p) => [p, {}]));
  if (c.labels) out.Labels = c.labels;
  return out;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
