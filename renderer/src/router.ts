// Screens by URL. History mode under /ui/ in the browser (the server answers index.html for
// deep links); hash mode under the desktop's app:// protocol.
import { createRouter, createWebHashHistory, createWebHistory, type RouteRecordRaw } from 'vue-router';

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

const desktop = globalThis.location?.protocol === 'app:';

export const router = createRouter({
  history: desktop ? createWebHashHistory() : createWebHistory('/ui/'),
  routes,
});
