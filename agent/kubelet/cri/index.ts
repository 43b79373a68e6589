export { CriClient, KUBELET_CRI_VERSION, PROTO_PATH, type CriClientOptions } from './client.ts';
export { CriError, isNotFound, isUnavailable } from './errors.ts';
export type * from './types.ts';
