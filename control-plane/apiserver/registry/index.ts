// The generic registry: every verb of every served resource on top of the storage Backend.
export { createRegistries, registryKey, type RegistryOptions } from './create-registries.ts';
export { defaultNamespaces, ensureDefaultNamespaces } from './default-namespaces.ts';
export { GenericRegistry } from './store.ts';
export type { StoreContext } from './context.ts';
export type { Strategy, SubresourceUpdateStrategy, GarbageCollectionPolicy } from './strategies/strategy.ts';
export type { ValueTransformer } from './value-transformer.ts';
export { initialEventsEndAnnotation } from './watch.ts';
export type * from './types.ts';
