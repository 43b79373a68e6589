// The agent's one informer factory (issue #6): the kubelet, kube-proxy, cluster DNS and the
// ingress all read Services, and three of them EndpointSlices. Upstream they are separate
// processes with a cache each; here they share a process, so they share one list+watch and one
// cache per resource instead of up to four. agent.ts makes the factory and hands it down; a
// component run alone (its own tests) makes its own.
import {
  SharedInformerFactory,
  type Client,
  type HandlerRegistration,
  type Logger,
  type SharedIndexInformer,
} from '../api/client/index.ts';

/** The agent-wide factory; informers asked for after `start` start at once. */
export function agentInformerFactory(client: Client, logger: Logger): SharedInformerFactory {
  return new SharedInformerFactory(client, {
    logger: { ...logger, info: () => {} }, // the informers' own chatter
  });
}

/**
 * The factory a component reads from: the agent's shared one when given (already started by the
 * agent, whose signal stops it), else one of its own, running until the component's signal aborts.
 */
export function componentInformers(
  opts: { client: Client; informers?: SharedInformerFactory; logger: Logger },
  signal: AbortSignal,
): SharedInformerFactory {
  if (opts.informers) return opts.informers;
  const own = agentInformerFactory(opts.client, opts.logger);
  own.start(signal);
  return own;
}

/**
 * Resolves once these informers have synced: a component waits for what it reads, not for every
 * informer the shared factory holds (cluster DNS need not wait for the Ingress cache).
 */
export async function waitForInformers(
  informers: readonly SharedIndexInformer<any>[],
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(informers.map((i) => i.waitForSync({ signal })));
}

/**
 * Removes the handlers when the signal aborts: on a shared informer they would otherwise outlive
 * the component (a node service's failed attempt, a restart) and keep it reachable.
 */
export function removeOnAbort(signal: AbortSignal, ...registrations: HandlerRegistration[]): void {
  const remove = () => {
    for (const r of registrations) r.remove();
  };
  if (signal.aborted) remove();
  else signal.addEventListener('abort', remove, { once: true });
}
