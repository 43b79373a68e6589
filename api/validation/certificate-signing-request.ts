// certificates.k8s.io/v1 CertificateSigningRequest validation (upstream
// pkg/apis/certificates/validation). The request must be a PEM "CERTIFICATE REQUEST" block; its
// signature is checked by the signer, which lives with the PKI in control-plane/.
import type { FieldError } from '../resource-type.ts';
import { deepEqual, duplicate, forbidden, invalid, notSupported, required } from './errors.ts';
import { isDNS1123Subdomain } from './names.ts';
import { FieldPath } from './path.ts';

export const supportedKeyUsages = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
];

/** Conditions whose status may only be True and that appear at most once. */
const decisionConditions = ['Approved', 'Denied', 'Failed'];
const conditionStatuses = ['True', 'False', 'Unknown'];

/** The PEM text of a base64 `bytes` field, or undefined when it is not base64 of text. */
export function decodePemField(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64').toString('latin1');
}

const pemBlock = (type: string) => new RegExp(`-----BEGIN ${type}-----[\\s\\S]+?-----END ${type}-----`);

/** Upstream ValidateSignerName: `<domain>/<path>`, e.g. kubernetes.io/kube-apiserver-client. */
function signerNameProblems(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) return "must be a fully qualified domain and path of the form 'example.com/signer-name'";
  const domain = name.slice(0, slash);
  const path = name.slice(slash + 1);
  const domainErrs = isDNS1123Subdomain(domain);
  if (domainErrs.length > 0) return `the domain must be a DNS subdomain: ${domainErrs.join('; ')}`;
  if (path === '' || path.length > 571 || /\s/.test(path)) return 'the path part must be a valid signer name';
  return undefined;
}

function validateSpec(spec: any): FieldError[] {
  const p = FieldPath.root('spec');
  const errs: FieldError[] = [];
  if (spec === null || typeof spec !== 'object') return [required(p)];
  const pem = decodePemField(spec.request);
  if (spec.request === undefined || spec.request === '') errs.push(required(p.child('request')));
  else if (pem === undefined || !pemBlock('CERTIFICATE REQUEST').test(pem))
    errs.push(
      invalid(
        p.child('request'),
        '<omitted>',
        'invalid certificate request: PEM block type must be CERTIFICATE REQUEST',
      ),
    );
  if (typeof spec.signerName !== 'string' || spec.signerName === '')
    errs.push(required(p.child('signerName')));
  else {
    const problem = signerNameProblems(spec.signerName);
    if (problem) errs.push(invalid(p.child('signerName'), spec.signerName, problem));
  }
  const usages = spec.usages;
  if (!Array.isArray(usages) || usages.length === 0) errs.push(required(p.child('usages')));
  else {
    const seen = new Set<string>();
    usages.forEach((u, i) => {
      if (!supportedKeyUsages.includes(u))
        errs.push(notSupported(p.child('usages').index(i), u, supportedKeyUsages));
      else if (seen.has(u)) errs.push(duplicate(p.child('usages').index(i), u));
      seen.add(u);
    });
  }
  const seconds = spec.expirationSeconds;
  if (seconds !== undefined && seconds !== null) {
    if (!Number.isInteger(seconds))
      errs.push(invalid(p.child('expirationSeconds'), seconds, 'must be an integer'));
    else if (seconds < 600)
      errs.push(
        invalid(
          p.child('expirationSeconds'),
          seconds,
          'may not specify a duration less than 600 seconds (10 minutes)',
        ),
      );
  }
  return errs;
}

function validateStatus(status: any): FieldError[] {
  const p = FieldPath.root('status');
  const errs: FieldError[] = [];
  if (status === undefined || status === null) return errs;
  const conditions = status.conditions ?? [];
  if (!Array.isArray(conditions)) return [invalid(p.child('conditions'), conditions, 'must be a list')];
  const seen = new Set<string>();
  conditions.forEach((c: any, i: number) => {
    const cp = p.child('conditions').index(i);
    if (typeof c?.type !== 'string' || c.type === '') errs.push(required(cp.child('type')));
    if (!conditionStatuses.includes(c?.status))
      errs.push(notSupported(cp.child('status'), c?.status, conditionStatuses));
    else if (decisionConditions.includes(c.type) && c.status !== 'True')
      errs.push(notSupported(cp.child('status'), c.status, ['True']));
    if (decisionConditions.includes(c?.type)) {
      if (seen.has(c.type)) errs.push(duplicate(cp.child('type'), c.type));
      seen.add(c.type);
    }
  });
  if (seen.has('Approved') && seen.has('Denied'))
    errs.push(
      invalid(p.child('conditions'), conditions, 'Approved and Denied conditions are mutually exclusive'),
    );
  if (status.certificate !== undefined && status.certificate !== '') {
    const pem = decodePemField(status.certificate);
    if (pem === undefined || !pemBlock('CERTIFICATE').test(pem))
      errs.push(
        invalid(
          p.child('certificate'),
          '<certificate data>',
          'must contain at least one CERTIFICATE PEM block',
        ),
      );
    else if (!seen.has('Approved'))
      errs.push(forbidden(p.child('certificate'), 'may only be set on an approved request'));
  }
  return errs;
}

/** What an update may not do: change spec, drop a decision, or replace an issued certificate. */
function validateUpdate(obj: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(obj?.spec, old?.spec)) errs.push(forbidden(FieldPath.root('spec'), 'field is immutable'));
  const conditions = obj?.status?.conditions;
  const kept = new Set((Array.isArray(conditions) ? conditions : []).map((c: any) => c?.type));
  const oldConditions = old?.status?.conditions;
  for (const c of (Array.isArray(oldConditions) ? oldConditions : []) as any[])
    if (decisionConditions.includes(c?.type) && !kept.has(c.type))
      errs.push(
        forbidden(
          FieldPath.root('status', 'conditions'),
          `updates may not remove a condition of type "${c.type}"`,
        ),
      );
  const had = old?.status?.certificate;
  if (had && obj?.status?.certificate !== had)
    errs.push(
      forbidden(
        FieldPath.root('status', 'certificate'),
        'updates may not modify existing certificate content',
      ),
    );
  return errs;
}

export function validateCertificateSigningRequest(obj: any, old?: any): FieldError[] {
  return [
    ...validateSpec(obj?.spec),
    ...validateStatus(obj?.status),
    ...(old ? validateUpdate(obj, old) : []),
  ];
}
