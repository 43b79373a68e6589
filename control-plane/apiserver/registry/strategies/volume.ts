// PersistentVolumes and PersistentVolumeClaims start Pending until a binder decides.
import type { ResourceType } from '../../../../api/resource-type.ts';
import { defaultStrategy } from './default.ts';
import type { Strategy } from './strategy.ts';

export function volumeStrategy(rt: ResourceType): Strategy {
  return defaultStrategy(rt, {
    prepareForCreate: (obj) => {
      obj.status = { phase: 'Pending' };
    },
  });
}
