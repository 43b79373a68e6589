// The CRI client against a real containerd (one netns node), for the calls the pod
// lifecycle tests in test/node do not already cover: images (import and pull), errors,
// streaming URLs.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePodNetworkConfig } from '../../cni/write.ts';
import { allowPlainHttpRegistry, containerdPaths } from '../../../control-plane/provision/netns/index.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE, serveTestImages } from '../../../test/helpers/images.ts';
import { createTestCluster, netnsSkipReason, type TestCluster } from '../../../test/helpers/netns.ts';
import { removePod, runPod, waitFor } from '../../../test/node/pods.ts';
import { CriClient, CriError, isNotFound } from './index.ts';

describe.skipIf(netnsSkipReason() !== undefined)('CRI client', () => {
  let cluster: TestCluster;
  let cri: CriClient;

  beforeAll(async () => {
    cluster = await createTestCluster({ nodes: 1, withTestImages: true });
    const node = cluster.nodes[0]!;
    writePodNetworkConfig(node.cniConfDir, {
      podCIDR: node.podCIDR!,
      ipamDataDir: join(node.nodeDir, 'cni', 'ipam'),
    });
    cri = new CriClient(node.containerdSocket);
  }, 300_000);

  afterAll(async () => {
    cri?.close();
    await cluster?.destroy();
  }, 300_000);

  it('reports the image by name, with its ID and size', async () => {
    const image = await cri.imageStatus({ image: BUSYBOX_IMAGE });
    expect(image?.repoTags).toContain(BUSYBOX_IMAGE);
    expect(image?.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Number(image?.size)).toBeGreaterThan(500_000);
    // containerd 1.6 ignores the ListImages filter, so only check membership.
    expect((await cri.listImages()).map((i) => i.id)).toContain(image!.id);
  });

  it('answers null for an image it does not have, and removes images idempotently', async () => {
    expect(await cri.imageStatus({ image: 'flotilla.local/absent:1' })).toBeNull();
    await cri.removeImage({ image: HTTPD_IMAGE });
    expect(await cri.imageStatus({ image: HTTPD_IMAGE })).toBeNull();
    await cri.removeImage({ image: HTTPD_IMAGE });
  });

  it('tells where images are stored', async () => {
    const info = await cri.imageFsInfo();
    expect(info.imageFilesystems[0]?.fsId?.mountpoint).toContain(cluster.nodes[0]!.nodeDir);
    // (usedBytes is sampled every stats_collect_period, so it may still read 0 here.)
  });

  it('pulls an image from a registry, then runs it', async () => {
    const node = cluster.nodes[0]!;
    const registry = await serveTestImages(cluster.gateway);
    try {
      allowPlainHttpRegistry(containerdPaths(node.nodeDir), registry.host);
      const reference = registry.reference(HTTPD_IMAGE);
      const imageRef = await cri.pullImage({ image: reference });
      expect(imageRef).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect((await cri.imageStatus({ image: reference }))?.repoTags).toContain(reference);
      const pod = await runPod(cri, node, { name: 'pulled', image: reference });
      try {
        const page = await waitFor('httpd from the pulled image', async () => {
          const res = await cri.execSync(pod.containerId, ['wget', '-q', '-O', '-', 'http://127.0.0.1/'], 20);
          return res.exitCode === 0 ? res.stdout.toString() : undefined;
        });
        expect(page.trim()).toBe('hello from pulled');
      } finally {
        await removePod(cri, pod);
      }
      await expect(cri.pullImage({ image: registry.reference('flotilla.local/absent:1') })).rejects.toThrow(
        /not found/i,
      );
    } finally {
      await registry.close();
    }
  });

  it('fails with NotFound for a container that does not exist', async () => {
    const error = await cri.containerStatus('no-such-container').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CriError);
    expect(isNotFound(error)).toBe(true);
  });

  it('hands out streaming URLs for exec, attach and port-forward, and exec-sync exit codes', async () => {
    const pod = await runPod(cri, cluster.nodes[0]!, {
      name: 'streams',
      image: BUSYBOX_IMAGE,
      command: ['sleep', '100000'],
    });
    try {
      const urls = [
        await cri.exec(pod.containerId, ['sh'], { stdin: true, stdout: true, tty: true }),
        await cri.attach(pod.containerId, { stdout: true, stderr: true }),
        await cri.portForward(pod.sandboxId, [80]),
      ];
      for (const url of urls)
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(exec|attach|portforward)\/\S+$/);
      const failed = await cri.execSync(pod.containerId, ['sh', '-c', 'echo oops >&2; exit 3'], 30);
      expect(failed.exitCode).toBe(3);
      expect(failed.stderr.toString()).toBe('oops\n');
    } finally {
      await removePod(cri, pod);
    }
  });
});
