// A typed promise client for the CRI (runtime.v1) that containerd serves on its socket.
// One instance holds one HTTP/2 connection for both the runtime and the image service.
import type { IConversionOptions } from 'protobufjs';
import { CriError } from './errors.ts';
import { GrpcCallError, GrpcStatus, GrpcUnaryClient } from './grpc-unary.ts';
import { loadCriProto } from './proto-definition.ts';
import type { ServiceDefinition } from './service-definitions.ts';
import type {
  AuthConfig,
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStatusResponse,
  ExecSyncResponse,
  Image,
  ImageFsInfoResponse,
  ImageSpec,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatusResponse,
  StatusResponse,
  StreamOptions,
  VersionResponse,
} from './types.ts';

// The kubelet asks for this CRI version; containerd answers with what it speaks.
export const KUBELET_CRI_VERSION = 'v1';

export { PROTO_PATH } from './proto-definition.ts';

// As @grpc/proto-loader presented messages (types.ts): camelCase fields, 64-bit numbers and
// enums as strings, defaults filled in.
const CONVERSION: IConversionOptions = {
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
};

let services: { runtime: ServiceDefinition; image: ServiceDefinition } | undefined;

/**
 * The calls of a pod start (and the relist). Their message code is generated when the services
 * load: in the first burst of pods it was 4 % of the agent's CPU, at the moment that CPU delays
 * the pods' containers.
 */
const POD_START_CALLS = {
  runtime: [
    'RunPodSandbox',
    'PodSandboxStatus',
    'CreateContainer',
    'StartContainer',
    'ContainerStatus',
    'ListPodSandbox',
    'ListContainers',
  ],
  image: ['ImageStatus'],
} as const;

function loadServices() {
  if (!services) {
    const definitions = loadCriProto(CONVERSION);
    services = {
      runtime: definitions['runtime.v1.RuntimeService']!,
      image: definitions['runtime.v1.ImageService']!,
    };
    for (const name of POD_START_CALLS.runtime) services.runtime[name]!.prepare();
    for (const name of POD_START_CALLS.image) services.image[name]!.prepare();
  }
  return services;
}

export interface CriClientOptions {
  /** Default deadline for a call; the kubelet's runtime-request-timeout is 2 minutes too. */
  timeoutMs?: number;
}

export class CriClient {
  private readonly runtime: ServiceDefinition;
  private readonly image: ServiceDefinition;
  private readonly grpc: GrpcUnaryClient;
  private readonly timeoutMs: number;

  /** @param socket absolute path of the runtime's unix socket, e.g. /run/containerd/containerd.sock */
  constructor(socket: string, options: CriClientOptions = {}) {
    ({ runtime: this.runtime, image: this.image } = loadServices());
    // ExecSync may return up to 16 MB of stdout and of stderr.
    this.grpc = new GrpcUnaryClient(socket, 64 * 1024 * 1024);
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  close(): void {
    this.grpc.close();
  }

  // ---- runtime service

  version(): Promise<VersionResponse> {
    return this.call(this.runtime, 'Version', { version: KUBELET_CRI_VERSION });
  }

  /** Runtime conditions (RuntimeReady, NetworkReady: false until a CNI config is present). */
  status(verbose = false): Promise<StatusResponse> {
    return this.call(this.runtime, 'Status', { verbose });
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const res = await this.call<{ podSandboxId: string }>(this.runtime, 'RunPodSandbox', {
      config,
      runtimeHandler,
    });
    return res.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { podSandboxId });
  }

  podSandboxStatus(podSandboxId: string, verbose = false): Promise<PodSandboxStatusResponse> {
    return this.call(this.runtime, 'PodSandboxStatus', { podSandboxId, verbose });
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return (await this.call<{ items: PodSandbox[] }>(this.runtime, 'ListPodSandbox', { filter })).items;
  }

  async createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
  ): Promise<string> {
    const res = await this.call<{ containerId: string }>(this.runtime, 'CreateContainer', {
      podSandboxId,
      config,
      sandboxConfig,
    });
    return res.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { containerId });
  }

  /** Stops with SIGTERM, then SIGKILL after timeoutSeconds (0: kill at once). */
  async stopContainer(containerId: string, timeoutSeconds = 0): Promise<void> {
    await this.call(
      this.runtime,
      'StopContainer',
      { containerId, timeout: timeoutSeconds },
      this.timeoutMs + timeoutSeconds * 1000,
    );
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'RemoveContainer', { containerId });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return (await this.call<{ containers: Container[] }>(this.runtime, 'ListContainers', { filter }))
      .containers;
  }

  containerStatus(containerId: string, verbose = false): Promise<ContainerStatusResponse> {
    return this.call(this.runtime, 'ContainerStatus', { containerId, verbose });
  }

  /** Runs cmd in the container and collects its output; timeoutSeconds 0 waits forever. */
  execSync(containerId: string, cmd: string[], timeoutSeconds = 0): Promise<ExecSyncResponse> {
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + this.timeoutMs : undefined;
    return this.call(
      this.runtime,
      'ExecSync',
      { containerId, cmd, timeout: timeoutSeconds },
      deadline ?? Infinity,
    );
  }

  /** URL of the runtime's streaming server for an interactive exec (SPDY/WebSocket upgrade). */
  async exec(containerId: string, cmd: string[], streams: StreamOptions): Promise<string> {
    return (await this.call<{ url: string }>(this.runtime, 'Exec', { containerId, cmd, ...streams })).url;
  }

  async attach(containerId: string, streams: StreamOptions): Promise<string> {
    return (await this.call<{ url: string }>(this.runtime, 'Attach', { containerId, ...streams })).url;
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return (await this.call<{ url: string }>(this.runtime, 'PortForward', { podSandboxId, port: ports })).url;
  }

  // ---- image service

  async listImages(filter?: ImageSpec): Promise<Image[]> {
    const request = filter ? { filter: { image: filter } } : {};
    return (await this.call<{ images: Image[] }>(this.image, 'ListImages', request)).images;
  }

  /** The image, or null when the runtime does not have it. */
  async imageStatus(image: ImageSpec): Promise<Image | null> {
    return (await this.call<{ image: Image | null }>(this.image, 'ImageStatus', { image })).image;
  }

  /** Pulls the image; returns its reference (for containerd, the image ID). */
  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const res = await this.call<{ imageRef: string }>(
      this.image,
      'PullImage',
      { image, auth, sandboxConfig },
      Infinity,
    );
    return res.imageRef;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    await this.call(this.image, 'RemoveImage', { image });
  }

  imageFsInfo(): Promise<ImageFsInfoResponse> {
    return this.call(this.image, 'ImageFsInfo', {});
  }

  private async call<T>(
    service: ServiceDefinition,
    method: string,
    request: object,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const definition = service[method]!;
    try {
      const response = await this.grpc.call(definition.path, definition.requestSerialize(request), timeoutMs);
      return definition.responseDeserialize(response) as T;
    } catch (err) {
      throw new CriError(
        method,
        err instanceof GrpcCallError ? err : new GrpcCallError(GrpcStatus.INTERNAL, String(err)),
      );
    }
  }
}
