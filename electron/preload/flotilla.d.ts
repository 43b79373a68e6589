import type { FlotillaBridge } from '../main/ipc-contract.ts';

declare global {
  interface Window {
    /** Present only in the desktop app (electron/preload). */
    flotilla?: FlotillaBridge;
  }
}
