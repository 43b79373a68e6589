// A signal that follows the caller's but may carry many listeners: every informer, watch and
// timer of a component listens for the abort, which trips Node's "possible leak" warning
// (more than 10 listeners) on a shared signal.
import { setMaxListeners } from 'node:events';

export function childSignal(parent: AbortSignal): AbortSignal {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  if (parent.aborted) ac.abort(parent.reason);
  else parent.addEventListener('abort', () => ac.abort(parent.reason), { once: true });
  return ac.signal;
}
