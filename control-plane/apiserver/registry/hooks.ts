// Per-resource work the generic verbs do around storing (upstream's BeginCreate/BeginUpdate/
// AfterDelete hooks): services allocate their ClusterIP and node ports before they are stored
// and give them back once deleted. Allocation happens after validation and admission; if the
// write then fails, `undo` gives back what was taken.
import type { KubeObject, RequestContext } from './types.ts';

export interface HookOutcome {
  /** The write failed or was not done (dry run, lost race): release what was taken. */
  undo(): Promise<void>;
  /** The write is stored: release what the old object held and the new one does not. */
  commit?(): Promise<void>;
}

export interface ResourceHooks {
  /** May set fields on `obj` (the allocated values). Throws a StatusError to refuse. */
  beforeCreate?(obj: KubeObject, ctx: RequestContext): Promise<HookOutcome | undefined>;
  beforeUpdate?(obj: KubeObject, old: KubeObject): Promise<HookOutcome | undefined>;
  /** The object is gone from the store. */
  afterDelete?(obj: KubeObject): Promise<void>;
}
