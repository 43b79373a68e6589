// DefaultBinder: POST pods/{name}/binding, which sets spec.nodeName (409 if the pod is already
// bound or is being deleted). The pod's UID goes along so a pod deleted and recreated under
// the same name in the meantime is not bound by mistake.
import type { BindPlugin, Handle } from '../framework/interfaces.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { asStatus, type Status } from '../framework/status.ts';
import { DefaultBinder as name } from './names.ts';

export class DefaultBinderPlugin implements BindPlugin {
  readonly name = name;

  constructor(private readonly handle: Handle) {}

  async bind(_state: unknown, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    const client = this.handle.client;
    if (!client) return asStatus(new Error('DefaultBinder: no API client'));
    try {
      await client
        .resource('v1', 'Pod')
        .namespace(pod.namespace)
        .bind(pod.pod.metadata!.name!, nodeName, { uid: pod.uid });
      return undefined;
    } catch (err) {
      return asStatus(err);
    }
  }
}
