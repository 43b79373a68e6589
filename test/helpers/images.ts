// The offline test images (busybox, httpd, pause): archives built once per content into a
// cache that survives between runs (.flotilla-test/ is git-ignored), or served by a tiny
// local registry for tests of pulling.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildImageArchive, RECIPES } from '../../resources/images/build.ts';
import {
  digest,
  MEDIA_TYPES,
  ociArchive,
  tagOf,
  type OciArchive,
} from '../../resources/images/oci-archive.ts';
import { BUSYBOX_IMAGE, DEFAULT_BUSYBOX, HTTPD_IMAGE, PAUSE_IMAGE } from '../../resources/images/recipes.ts';

export { BUSYBOX_IMAGE, HTTPD_IMAGE, PAUSE_IMAGE };

export const IMAGE_CACHE_DIR = fileURLToPath(new URL('../../.flotilla-test/images/', import.meta.url));

/** Archive path of each test image, building the missing ones. */
export function testImageArchives(): { pause: string; busybox: string; httpd: string } {
  return {
    pause: buildImageArchive(PAUSE_IMAGE, IMAGE_CACHE_DIR),
    busybox: buildImageArchive(BUSYBOX_IMAGE, IMAGE_CACHE_DIR),
    httpd: buildImageArchive(HTTPD_IMAGE, IMAGE_CACHE_DIR),
  };
}

export interface TestRegistry {
  /** host:port, e.g. 10.240.7.1:41234 */
  host: string;
  /** Reference of a served image: `<host>/flotilla/<name>:<tag>`. */
  reference(image: string): string;
  close(): Promise<void>;
}

/**
 * A read-only OCI distribution registry (just what a pull needs: /v2/, manifests by tag or
 * digest, blobs) serving the test images over plain HTTP on `address` (a cluster bridge
 * address, so netns nodes reach it). Images are served as `flotilla/<name>:<tag>`.
 */
export async function serveTestImages(
  address: string,
  opts: { auth?: { username: string; password: string } } = {},
): Promise<TestRegistry> {
  const expected = opts.auth
    ? `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`
    : undefined;
  const repos = new Map<string, { tag: string; built: OciArchive }>();
  for (const [name, recipe] of Object.entries(RECIPES)) {
    const repo = `flotilla/${name.slice(name.indexOf('/') + 1, name.lastIndexOf(':'))}`;
    repos.set(repo, { tag: tagOf(name), built: ociArchive(recipe(DEFAULT_BUSYBOX)) });
  }
  const server = createServer((req, res) => {
    // A mirror request carries the upstream registry as `?ns=docker.io`: the path is what counts.
    const path = (req.url ?? '').split('?')[0]!;
    // With `auth`, every request needs HTTP Basic credentials (what imagePullSecrets carry).
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="flotilla-test"' }).end();
      return;
    }
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    if (path === '/v2/' || path === '/v2') {
      res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0' }).end();
      return;
    }
    const image = match ? repos.get(match[1]!) : undefined;
    const ref = match?.[3];
    let body: Buffer | undefined;
    let type = 'application/octet-stream';
    if (image && match![2] === 'manifests' && (ref === image.tag || ref === image.built.manifestDigest)) {
      body = image.built.manifest;
      type = MEDIA_TYPES.manifest;
    } else if (image && match![2] === 'blobs') {
      body = image.built.blobs.get(ref!);
    }
    if (!body) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND"}]}');
      return;
    }
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Docker-Content-Digest': digest(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, address, resolve));
  const host = `${address}:${(server.address() as AddressInfo).port}`;
  return {
    host,
    reference: (image) => `${host}/flotilla/${image.slice(image.indexOf('/') + 1)}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
