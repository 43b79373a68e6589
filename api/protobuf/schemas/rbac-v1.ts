// rbac.authorization.k8s.io/v1 (k8s.io/api/rbac/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const rbacv1: PackageSchema = {
  name: 'rbacv1',
  groupVersion: 'rbac.authorization.k8s.io/v1',
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  messages: {
    AggregationRule: {
      1: 'clusterRoleSelectors []metav1.LabelSelector',
    },
    ClusterRole: {
      1: 'metadata metav1.ObjectMeta',
      2: 'rules []PolicyRule',
      3: 'aggregationRule *AggregationRule',
    },
    ClusterRoleBinding: {
      1: 'metadata metav1.ObjectMeta',
      2: 'subjects []Subject',
      3: 'roleRef RoleRef',
    },
    PolicyRule: {
      1: 'verbs []string',
      2: 'apiGroups []string',
      3: 'resources []string',
      4: 'resourceNames []string',
      5: 'nonResourceURLs []string',
    },
    Role: {
      1: 'metadata metav1.ObjectMeta',
      2: 'rules []PolicyRule',
    },
    RoleBinding: {
      1: 'metadata metav1.ObjectMeta',
      2: 'subjects []Subject',
      3: 'roleRef RoleRef',
    },
    RoleRef: {
      1: 'apiGroup string!',
      2: 'kind string!',
      3: 'name string!',
    },
    Subject: {
      1: 'kind string!',
      2: 'apiGroup string',
      3: 'name string!',
      4: 'namespace string',
    },
  },
};
