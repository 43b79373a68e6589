// The Node runtime shipped to nodes that lack one: pinned, fetched once from the npm registry.
export {
  NODE_RUNTIME,
  NODE_RUNTIME_VERSION,
  nodeArchFromUname,
  type NodeArch,
  type RuntimePin,
} from './pinned.ts';
export { ensureNodeRuntime, RuntimeDownloadError, type LocalRuntime } from './download.ts';
export { npmRegistry, runtimeCacheDir } from './cache-dir.ts';
