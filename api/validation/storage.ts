// PersistentVolume, PersistentVolumeClaim and StorageClass validation.
import type { FieldError } from '../resource-type.ts';
import { Quantity } from '../quantity.ts';
import { deepEqual, forbidden, immutable, invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isObject, isSet, items, str } from './shape.ts';
import { dns1123Subdomain, oneOf, qualifiedName } from './common.ts';
import { quantityAt, validatePositiveQuantity, validateResourceQuantityValue } from './resources.ts';
import { validateLabelSelector, validateNodeSelector } from './selectors.ts';
import { diffLines } from './diff.ts';

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const volumeModes = ['Block', 'Filesystem'];
const pvSources = [
  'hostPath',
  'local',
  'nfs',
  'csi',
  'iscsi',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'rbd',
  'fc',
  'cephfs',
  'cinder',
  'azureFile',
  'azureDisk',
  'vsphereVolume',
  'flexVolume',
  'glusterfs',
  'flocker',
  'quobyte',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

function validateAccessModes(modes: unknown, path: FieldPath, requiredDetail: string): FieldError[] {
  const list = items(modes);
  const errs: FieldError[] = [];
  if (list.length === 0) errs.push(required(path, requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of list) {
    if (!accessModes.includes(m)) errs.push(notSupported(path, m, accessModes));
    if (m === 'ReadWriteOncePod') rwop = true;
    else other = true;
  }
  if (rwop && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validatePersistentVolume(obj: any, old?: any): FieldError[] {
  const spec = FieldPath.root('spec');
  const s = obj?.spec;
  if (!isObject(s)) return [required(spec, '')];
  const errs = validateAccessModes(s.accessModes, spec.child('accessModes'), '');
  const cap = isObject(s.capacity) ? s.capacity : {};
  if (Object.keys(cap).length === 0) errs.push(required(spec.child('capacity'), ''));
  if (!Object.hasOwn(cap, 'storage') || Object.keys(cap).length > 1)
    errs.push(notSupported(spec.child('capacity'), cap, ['storage']));
  for (const [k, v] of Object.entries(cap))
    errs.push(...validatePositiveQuantity(v, spec.child('capacity').key(k)));
  if (s.storageClassName) errs.push(...dns1123Subdomain(s.storageClassName, spec.child('storageClassName')));
  if (isSet(s.volumeMode) && !volumeModes.includes(s.volumeMode))
    errs.push(notSupported(spec.child('volumeMode'), s.volumeMode, volumeModes));
  if (
    isSet(s.persistentVolumeReclaimPolicy) &&
    !['Delete', 'Recycle', 'Retain'].includes(s.persistentVolumeReclaimPolicy)
  )
    errs.push(
      notSupported(spec.child('persistentVolumeReclaimPolicy'), s.persistentVolumeReclaimPolicy, [
        'Delete',
        'Recycle',
        'Retain',
      ]),
    );
  const sources = pvSources.filter((k) => isSet(s[k]));
  if (sources.length === 0) errs.push(required(spec, 'must specify a volume type'));
  for (const extra of sources.slice(1))
    errs.push(forbidden(spec.child(extra), 'may not specify more than 1 volume type'));
  if (isObject(s.hostPath) && !s.hostPath.path) errs.push(required(spec.child('hostPath', 'path'), ''));
  if (isSet(s.local)) {
    if (!isObject(s.local) || !s.local.path) errs.push(required(spec.child('local', 'path'), ''));
    if (!isObject(s.nodeAffinity))
      errs.push(required(spec.child('nodeAffinity'), 'Local volumes require node affinity'));
  }
  if (isObject(s.nodeAffinity) && isSet(s.nodeAffinity.required))
    errs.push(...validateNodeSelector(s.nodeAffinity.required, spec.child('nodeAffinity', 'required')));
  if (isObject(s.csi) && !s.csi.driver) errs.push(required(spec.child('csi', 'driver'), ''));
  if (isObject(s.csi) && !s.csi.volumeHandle) errs.push(required(spec.child('csi', 'volumeHandle'), ''));
  if (old !== undefined && isObject(old?.spec)) {
    const sourceOf = (x: any) =>
      Object.fromEntries(pvSources.filter((k) => isSet(x[k])).map((k) => [k, x[k]]));
    if (!deepEqual(sourceOf(s), sourceOf(old.spec)))
      errs.push(
        forbidden(
          spec.child('persistentvolumesource'),
          `spec.persistentvolumesource is immutable after creation\n${diffLines(sourceOf(old.spec), sourceOf(s), 'spec').join('\n')}`,
        ),
      );
    errs.push(...immutable(spec.child('volumeMode'), s.volumeMode, old.spec.volumeMode));
    if (isSet(old.spec.nodeAffinity))
      errs.push(...immutable(spec.child('nodeAffinity'), s.nodeAffinity, old.spec.nodeAffinity));
  }
  return errs;
}

/** The spec checks claims and claim templates share (upstream ValidatePersistentVolumeClaimSpec). */
export function validatePersistentVolumeClaimSpec(s: unknown, spec: FieldPath): FieldError[] {
  if (!isObject(s)) return [isSet(s) ? typeInvalid(spec, s, 'must be an object') : required(spec, '')];
  const errs = validateAccessModes(
    s.accessModes,
    spec.child('accessModes'),
    'at least 1 access mode is required',
  );
  if (isSet(s.selector)) errs.push(...validateLabelSelector(s.selector, spec.child('selector')));
  const requests = isObject(s.resources) && isObject(s.resources.requests) ? s.resources.requests : {};
  const storagePath = spec.child('resources').key('storage');
  if (!Object.hasOwn(requests, 'storage')) errs.push(required(storagePath, ''));
  else {
    const pos = validatePositiveQuantity(requests.storage, storagePath);
    errs.push(
      ...(pos.length ? pos : validateResourceQuantityValue('storage', requests.storage, storagePath)),
    );
  }
  if (s.storageClassName) errs.push(...dns1123Subdomain(s.storageClassName, spec.child('storageClassName')));
  if (isSet(s.volumeMode) && !volumeModes.includes(s.volumeMode))
    errs.push(notSupported(spec.child('volumeMode'), s.volumeMode, volumeModes));
  for (const f of ['dataSource', 'dataSourceRef']) {
    const ref = s[f];
    if (!isSet(ref)) continue;
    if (!isObject(ref) || !ref.name) errs.push(required(spec.child(f, 'name'), ''));
    if (!isObject(ref) || !ref.kind) errs.push(required(spec.child(f, 'kind'), ''));
  }
  return errs;
}

export function validatePersistentVolumeClaim(obj: any, old?: any): FieldError[] {
  const spec = FieldPath.root('spec');
  const errs = validatePersistentVolumeClaimSpec(obj?.spec, spec);
  if (old === undefined || !isObject(old?.spec) || !isObject(obj?.spec)) return errs;
  const next = structuredClone(obj.spec);
  const prev = structuredClone(old.spec);
  if (!prev.volumeName) prev.volumeName = next.volumeName; // binding sets it once
  const bound = obj?.status?.phase === 'Bound';
  if (bound && isObject(next.resources) && isObject(next.resources.requests)) {
    next.resources.requests.storage = prev.resources?.requests?.storage;
    next.volumeAttributesClassName = prev.volumeAttributesClassName;
  }
  if (!deepEqual(next, prev))
    errs.push(
      forbidden(
        spec,
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${diffLines(prev, next, 'spec').join('\n')}`,
      ),
    );
  const newSize = quantityAt(obj.spec.resources?.requests?.storage, spec);
  const oldSize = quantityAt(old.spec.resources?.requests?.storage, spec);
  if (newSize instanceof Quantity && oldSize instanceof Quantity && newSize.cmp(oldSize) < 0)
    errs.push(
      forbidden(spec.child('resources', 'requests', 'storage'), 'field can not be less than previous value'),
    );
  return errs;
}

export function validateStorageClass(obj: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = obj?.provisioner;
  if (!provisioner) errs.push(required(FieldPath.root('provisioner'), ''));
  else errs.push(...qualifiedName(str(provisioner).toLowerCase(), FieldPath.root('provisioner')));
  const params = obj?.parameters;
  if (isSet(params) && !isObject(params))
    errs.push(typeInvalid(FieldPath.root('parameters'), params, 'must be a map of strings'));
  else if (isObject(params) && Object.keys(params).length > 512)
    errs.push(invalid(FieldPath.root('parameters'), params, 'must have at most 512 parameters'));
  if (isSet(obj?.reclaimPolicy))
    errs.push(...oneOf(obj.reclaimPolicy, FieldPath.root('reclaimPolicy'), ['Delete', 'Retain']));
  errs.push(
    ...oneOf(obj?.volumeBindingMode, FieldPath.root('volumeBindingMode'), [
      'Immediate',
      'WaitForFirstConsumer',
    ]),
  );
  if (old !== undefined) {
    if (!deepEqual(obj?.parameters, old?.parameters))
      errs.push(forbidden(FieldPath.root('parameters'), 'updates to parameters are forbidden.'));
    if (obj?.provisioner !== old?.provisioner)
      errs.push(forbidden(FieldPath.root('provisioner'), 'updates to provisioner are forbidden.'));
    if ((obj?.reclaimPolicy ?? 'Delete') !== (old?.reclaimPolicy ?? 'Delete'))
      errs.push(forbidden(FieldPath.root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
    errs.push(
      ...immutable(FieldPath.root('volumeBindingMode'), obj?.volumeBindingMode, old?.volumeBindingMode),
    );
  }
  return errs;
}
