// `kubectl get csr`: NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION, like upstream's
// printCertificateSigningRequest (the condition reads Pending, Approved or Denied, then
// ",Failed" and ",Issued" when they apply).
import { ageColumn, column, nameColumn, type TypePrinter } from './common.ts';
import { humanDuration } from './human-duration.ts';

/** Upstream's extractCSRStatus. */
export function csrCondition(csr: any): string {
  const types = new Set(((csr?.status?.conditions ?? []) as any[]).map((c) => c?.type));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (csr?.status?.certificate) status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter: TypePrinter = {
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', 'Signer name', (o) => o?.spec?.signerName ?? ''),
    column('Requestor', 'string', 'Request requestor', (o) => o?.spec?.username ?? ''),
    column('RequestedDuration', 'string', 'Requested certificate duration', (o) =>
      typeof o?.spec?.expirationSeconds === 'number'
        ? humanDuration(o.spec.expirationSeconds * 1000)
        : '<none>',
    ),
    column('Condition', 'string', 'Request status', csrCondition),
  ],
};
