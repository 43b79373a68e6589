// Screens by URL. History mode under /ui/ in the browser (the server answers index.html for
// deep links); hash mode under the desktop's app:// protocol.
import { createRouter, createWebHashHistory, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { MessageKey } from './i18n.ts';

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'overview', component: () => import('./views/OverviewView.vue') },
  { path: '/nodes', name: 'nodes', component: () => import('./views/NodesView.vue') },
  { path: '/workloads/:kind?', name: 'workloads', component: () => import('./views/WorkloadsView.vue') },
  { path: '/pods', name: 'pods', component: () => import('./views/PodsView.vue') },
  { path: '/pods/:namespace/:name', name: 'pod', component: () => import('./views/PodDetailView.vue') },
  { path: '/events', name: 'events', component: () => import('./views/EventsView.vue') },
  { path: '/yaml', name: 'yaml', component: () => import('./views/YamlView.vue') },
  { path: '/create', name: 'create', component: () => import('./views/CreateClusterView.vue') },
  { path: '/terminal', name: 'terminal', component: () => import('./views/LocalShellView.vue') },
  { path: '/diagnostics', name: 'diagnostics', component: () => import('./views/DiagnosticsView.vue') },
];

/** The screens the sidebar lists and the command palette jumps to, in sidebar order. */
export const screens: { to: string; label: MessageKey }[] = [
  { to: '/', label: 'nav.overview' },
  { to: '/nodes', label: 'nav.nodes' },
  { to: '/workloads', label: 'nav.workloads' },
  { to: '/pods', label: 'nav.pods' },
  { to: '/events', label: 'nav.events' },
  { to: '/yaml', label: 'nav.yaml' },
  { to: '/create', label: 'nav.create' },
  { to: '/terminal', label: 'nav.terminal' },
  { to: '/diagnostics', label: 'nav.diagnostics' },
];

const desktop = globalThis.location?.protocol === 'app:';

export const router = createRouter({
  history: desktop ? createWebHashHistory() : createWebHistory('/ui/'),
  routes,
});
