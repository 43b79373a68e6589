// Writes a node's NoCloud seed: the files cloud-init reads (for Multipass, which takes the
// user-data file itself) and the "cidata" ISO that carries them (for VirtualBox).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoImage, type IsoFile } from './iso9660.ts';

export const SEED_VOLUME_ID = 'cidata';

export interface SeedFiles {
  userData: string;
  metaData: string;
  networkConfig?: string;
}

export function seedIsoImage(seed: SeedFiles, date?: Date): Buffer {
  const files: IsoFile[] = [
    { name: 'user-data', content: seed.userData },
    { name: 'meta-data', content: seed.metaData },
  ];
  if (seed.networkConfig) files.push({ name: 'network-config', content: seed.networkConfig });
  return isoImage(files, { volumeId: SEED_VOLUME_ID, date });
}

export interface WrittenSeed {
  userDataFile: string;
  metaDataFile: string;
  isoFile?: string;
}

/** Writes user-data and meta-data (0600: user-data holds the host's private key) and, if asked, the ISO. */
export function writeSeed(dir: string, seed: SeedFiles, options: { iso?: boolean } = {}): WrittenSeed {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const userDataFile = join(dir, 'user-data');
  const metaDataFile = join(dir, 'meta-data');
  writeFileSync(userDataFile, seed.userData, { mode: 0o600 });
  writeFileSync(metaDataFile, seed.metaData, { mode: 0o600 });
  if (seed.networkConfig) writeFileSync(join(dir, 'network-config'), seed.networkConfig, { mode: 0o600 });
  if (!options.iso) return { userDataFile, metaDataFile };
  const isoFile = join(dir, 'seed.iso');
  writeFileSync(isoFile, seedIsoImage(seed), { mode: 0o600 });
  return { userDataFile, metaDataFile, isoFile };
}
