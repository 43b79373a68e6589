// authentication.k8s.io/v1 (k8s.io/api/authentication/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const authenticationv1: PackageSchema = {
  name: 'authenticationv1',
  groupVersion: 'authentication.k8s.io/v1',
  kinds: ['TokenRequest', 'SelfSubjectReview', 'TokenReview'],
  messages: {
    BoundObjectReference: {
      1: 'kind string',
      2: 'apiVersion string',
      3: 'name string',
      4: 'uid string',
    },
    SelfSubjectReview: {
      1: 'metadata metav1.ObjectMeta',
      2: 'status SelfSubjectReviewStatus',
    },
    SelfSubjectReviewStatus: {
      1: 'userInfo UserInfo',
    },
    TokenRequest: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec TokenRequestSpec',
      3: 'status TokenRequestStatus',
    },
    TokenRequestSpec: {
      1: 'audiences []string',
      3: 'boundObjectRef *BoundObjectReference',
      4: 'expirationSeconds *int64',
    },
    TokenRequestStatus: {
      1: 'token string!',
      2: 'expirationTimestamp metav1.Time',
    },
    TokenReview: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec TokenReviewSpec',
      3: 'status TokenReviewStatus',
    },
    TokenReviewSpec: {
      1: 'token string',
      2: 'audiences []string',
    },
    TokenReviewStatus: {
      1: 'authenticated bool',
      2: 'user UserInfo',
      3: 'error string',
      4: 'audiences []string',
    },
    UserInfo: {
      1: 'username string',
      2: 'uid string',
      3: 'groups []string',
      4: 'extra map[string]ExtraValue',
    },
  },
};
