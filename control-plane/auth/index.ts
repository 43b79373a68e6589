// Credential stores and authenticators the API server plugs into its authentication chain.
export {
  BOOTSTRAP_TOKEN_PATTERN,
  BOOTSTRAP_USER_PREFIX,
  DEFAULT_BOOTSTRAP_TTL_SECONDS,
  DEFAULT_NODE_TOKEN_GROUP,
  NODE_BOOTSTRAP_TTL_SECONDS,
  parseBootstrapToken,
} from './bootstrap-token.ts';
export { CertAuthenticator, type PeerCertificate } from './cert-authenticator.ts';
export {
  DEFAULT_ISSUER,
  DEFAULT_TOKEN_SECONDS,
  SERVICE_ACCOUNTS_GROUP,
  serviceAccountUsername,
  ServiceAccountTokenAuthenticator,
  ServiceAccountTokenIssuer,
  type ServiceAccountAuthenticatorOptions,
  type ServiceAccountClaims,
  type ServiceAccountTokenRequest,
} from './service-account-token.ts';
export { TokenAuthenticator } from './token-authenticator.ts';
export { unionTokenAuthenticator, type TokenAuthenticatorLike } from './token-authenticator-union.ts';
export {
  TokenStore,
  type IssueBootstrapTokenOptions,
  type IssuedToken,
  type IssueTokenOptions,
  type TokenRecord,
} from './token-store.ts';
export { generateToken, parseBearerToken } from './token.ts';
export {
  AUTHENTICATED_GROUP,
  BOOTSTRAPPERS_GROUP,
  MASTERS_GROUP,
  NODES_GROUP,
  withAuthenticatedGroup,
  type UserInfo,
} from './user-info.ts';
