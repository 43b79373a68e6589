// Image pulls by imagePullPolicy (upstream kubelet/images/image_manager.go): Always pulls every
// time a container starts, IfNotPresent only when the runtime lacks the image, Never refuses
// to pull (ErrImageNeverPull). The default is Always for :latest or untagged images.
import type { Container } from '../../api/types/container.ts';
import { CrashBackoff } from './crash-backoff.ts';
import type { CriClient } from './cri/index.ts';
import type { AuthConfig } from './cri/types.ts';

export class ImagePullError extends Error {
  constructor(
    readonly reason: 'ErrImagePull' | 'ErrImageNeverPull',
    message: string,
  ) {
    super(message);
    this.name = 'ImagePullError';
  }
}

export function pullPolicy(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  const image = container.image ?? '';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return !image.includes('@') && (tag === '' || tag === 'latest') ? 'Always' : 'IfNotPresent';
}

/** What happened on the way to the image, for the kubelet's Pulling/Pulled events. */
export type PullReport = { step: 'present' } | { step: 'pulling' } | { step: 'pulled'; ms: number };

/** Makes sure the image is present as the policy says; returns the image ID to run. */
export async function ensureImage(
  cri: CriClient,
  container: Container,
  report: (r: PullReport) => void = () => undefined,
  /** The pod's imagePullSecrets credential for this image's registry (pull-secrets.ts). */
  auth?: AuthConfig,
): Promise<string> {
  const image = container.image ?? '';
  const policy = pullPolicy(container);
  if (policy !== 'Always') {
    const present = await sharedImageStatus(cri, image);
    if (present) {
      report({ step: 'present' });
      return present.id;
    }
    if (policy === 'Never')
      throw new ImagePullError(
        'ErrImageNeverPull',
        `Container image "${image}" is not present with pull policy of Never`,
      );
  }
  try {
    report({ step: 'pulling' });
    const started = Date.now();
    const id = await cri.pullImage({ image }, auth);
    report({ step: 'pulled', ms: Date.now() - started });
    return id;
  } catch (err) {
    throw new ImagePullError('ErrImagePull', `failed to pull image "${image}": ${(err as Error).message}`);
  }
}

/** Status checks of an image under way, per runtime client. */
const statusChecks = new WeakMap<CriClient, Map<string, ReturnType<CriClient['imageStatus']>>>();

/**
 * The image's status, shared by every check of the same image that starts while one is under
 * way: a burst of 25 new pods with one image made 25 identical ImageStatus calls at once.
 */
function sharedImageStatus(cri: CriClient, image: string): ReturnType<CriClient['imageStatus']> {
  let checks = statusChecks.get(cri);
  if (!checks) statusChecks.set(cri, (checks = new Map()));
  let check = checks.get(image);
  if (!check) {
    check = cri.imageStatus({ image }).finally(() => checks.delete(image));
    checks.set(image, check);
  }
  return check;
}

/**
 * Back-off between failed pulls of a container's image (upstream imageBackOff: 10 s doubling to
 * 5 min), shown as ImagePullBackOff while it runs.
 */
export class ImagePullBackoff {
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly backoff = new CrashBackoff(),
    private readonly now: () => number = Date.now,
  ) {}

  remainingMs(key: string): number {
    const at = this.failedAt.get(key);
    return at === undefined ? 0 : this.backoff.remainingMs(key, at);
  }

  failed(key: string): void {
    this.backoff.restarted(key);
    this.failedAt.set(key, this.now());
  }

  succeeded(key: string): void {
    this.forget(key);
  }

  forget(prefix: string): void {
    this.backoff.forget(prefix);
    for (const key of this.failedAt.keys()) if (key.startsWith(prefix)) this.failedAt.delete(key);
  }
}
