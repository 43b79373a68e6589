// The client library's public surface, safe for any runtime (browser included). The Node
// transport is imported separately from './transport-node.ts'.
export * from './api-error.ts';
export * from './backoff.ts';
export * from './client.ts';
export * from './clock.ts';
export * from './informer.ts';
export * from './informer-factory.ts';
export * from './kubeconfig.ts';
export * from './logger.ts';
export * from './paths.ts';
export * from './reflector.ts';
export * from './resource-client.ts';
export * from './store.ts';
export * from './transport.ts';
export * from './transport-fetch.ts';
export * from './transport-in-process.ts';
export * from './types.ts';
export * from './wait.ts';
export * from './workqueue/delaying-queue.ts';
export * from './workqueue/queue.ts';
export * from './workqueue/rate-limiters.ts';
export * from './workqueue/rate-limiting-queue.ts';
export * from './workqueue/workers.ts';
