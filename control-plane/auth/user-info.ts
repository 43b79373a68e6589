// Who a request is from, as authenticators report it (upstream k8s.io/apiserver user.Info).

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

export const AUTHENTICATED_GROUP = 'system:authenticated';
export const MASTERS_GROUP = 'system:masters';
export const NODES_GROUP = 'system:nodes';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

/** Every authenticated user is also in system:authenticated (upstream's AuthenticatedGroupAdder). */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(AUTHENTICATED_GROUP)) return user;
  return { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}
