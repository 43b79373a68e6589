// The NodeRestriction admission plugin (upstream plugin/pkg/admission/noderestriction), for what
// the authorizer cannot see because the name is in the body: a node may create only its own
// Node object and its own Lease in kube-node-lease. (Pods and pod status are checked against
// the store by the authorizer, see ../node-authorizer.ts.)
import type { AdmissionPlugin } from '../registry/admission.ts';
import { forbiddenBecause } from '../registry/errors.ts';

const nodeUserPrefix = 'system:node:';

export function nodeRestrictionAdmission(): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    validate(a) {
      const { username, groups } = a.user;
      if (!groups.includes('system:nodes') || !username.startsWith(nodeUserPrefix)) return;
      const nodeName = username.slice(nodeUserPrefix.length);
      const gr = { group: a.type.group, resource: a.type.plural };
      const key = `${a.type.group}/${a.type.plural}`;
      if (key === '/nodes' && a.name !== nodeName)
        throw forbiddenBecause(gr, a.name, `node "${nodeName}" is not allowed to modify node "${a.name}"`);
      if (key === 'coordination.k8s.io/leases' && (a.namespace !== 'kube-node-lease' || a.name !== nodeName))
        throw forbiddenBecause(
          gr,
          a.name,
          'can only access node lease with the same name as the requesting node',
        );
    },
  };
}
