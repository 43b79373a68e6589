// The terminal dock's state: open tabs (node shells, container exec, local shells), which one
// is shown, and the dock's own geometry. Sessions live in the dock's components, not here:
// the store only says which sessions should exist, so tabs keep their terminals while the
// user moves between screens. Reconnecting bumps a tab's `session`, which opens a new one.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { execUrl, type ExecOptions } from '../api/exec.ts';

export type TerminalKind = 'node' | 'exec' | 'local';
export type TerminalState = 'connecting' | 'connected' | 'closed';

export interface TerminalTab {
  id: string;
  kind: TerminalKind;
  /** What the tab is attached to: a node name, `namespace/pod (container)`, or the cluster name. */
  target: string;
  title: string;
  /** The WebSocket path of its session. */
  path: string;
  state: TerminalState;
  /** Why the last session ended, while `state` is closed. */
  message: string;
  /** 1 for the first session; each reconnect opens session n+1. */
  session: number;
}

const heightKey = 'flotilla.dock.height';
export const minDockHeight = 120;
const defaultHeight = 300;

function savedHeight(): number {
  const n = Number(globalThis.localStorage?.getItem(heightKey));
  return Number.isFinite(n) && n >= minDockHeight ? n : defaultHeight;
}

export const nodeShellPath = (cluster: string, node: string) =>
  `/app/v1/clusters/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(node)}/shell`;

export const localShellPath = (cluster: string) =>
  `/app/v1/local-shell${cluster ? `?cluster=${encodeURIComponent(cluster)}` : ''}`;

export const useTerminals = defineStore('terminals', () => {
  const tabs = ref<TerminalTab[]>([]);
  const activeId = ref('');
  /** The dock is shown (Ctrl+` toggles it); hidden tabs keep their sessions. */
  const visible = ref(false);
  const maximized = ref(false);
  const height = ref(savedHeight());
  let nextId = 1;

  const active = computed(() => tabs.value.find((t) => t.id === activeId.value));

  function open(tab: Pick<TerminalTab, 'kind' | 'target' | 'title' | 'path'>): TerminalTab {
    const created: TerminalTab = {
      ...tab,
      id: `term-${nextId++}`,
      state: 'connecting',
      message: '',
      session: 1,
    };
    tabs.value.push(created);
    activeId.value = created.id;
    visible.value = true;
    return created;
  }

  const openLocal = (cluster: string, clusterLabel = cluster) =>
    open({
      kind: 'local',
      target: cluster,
      title: `local: KUBECONFIG=${clusterLabel}`,
      path: localShellPath(cluster),
    });

  const openNodeShell = (cluster: string, node: string) =>
    open({ kind: 'node', target: node, title: `node: ${node}`, path: nodeShellPath(cluster, node) });

  function openExec(o: ExecOptions): TerminalTab {
    const target = `${o.namespace}/${o.pod}${o.container ? ` (${o.container})` : ''}`;
    return open({ kind: 'exec', target, title: `exec: ${target}`, path: execUrl(o) });
  }

  function close(id: string): void {
    const at = tabs.value.findIndex((t) => t.id === id);
    if (at < 0) return;
    tabs.value.splice(at, 1);
    if (activeId.value === id) {
      // Like an editor: the neighbour to the right, else the one to the left, takes its place.
      activeId.value = tabs.value[Math.min(at, tabs.value.length - 1)]?.id ?? '';
    }
    if (tabs.value.length === 0) visible.value = false;
  }

  function activate(id: string): void {
    if (!tabs.value.some((t) => t.id === id)) return;
    activeId.value = id;
    visible.value = true;
  }

  function setState(id: string, state: TerminalState, message = ''): void {
    const tab = tabs.value.find((t) => t.id === id);
    if (!tab) return;
    tab.state = state;
    tab.message = state === 'closed' ? message : '';
  }

  function reconnect(id: string): void {
    const tab = tabs.value.find((t) => t.id === id);
    if (!tab) return;
    tab.session++;
    tab.state = 'connecting';
    tab.message = '';
  }

  /** Ctrl+`: show or hide the dock; showing an empty dock needs a tab, so the caller opens one. */
  function toggle(): void {
    visible.value = !visible.value;
  }

  function setHeight(px: number, max = Infinity): void {
    height.value = Math.round(Math.max(minDockHeight, Math.min(px, max)));
    globalThis.localStorage?.setItem(heightKey, String(height.value));
  }

  return {
    tabs,
    activeId,
    active,
    visible,
    maximized,
    height,
    open,
    openLocal,
    openNodeShell,
    openExec,
    close,
    activate,
    setState,
    reconnect,
    toggle,
    setHeight,
  };
});
