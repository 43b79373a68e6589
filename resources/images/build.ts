// Builds the image archives into a cache directory, once: the file name carries a hash of
// every input, so a changed recipe, busybox or pause.c gives a new file and an unchanged
// one is reused. Writes go through a temp file + rename so parallel builders never see a
// half-written archive.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ociArchive, type ImageRecipe } from './oci-archive.ts';
import {
  BUSYBOX_IMAGE,
  DEFAULT_BUSYBOX,
  HTTPD_IMAGE,
  PAUSE_IMAGE,
  PAUSE_SOURCE,
  busyboxImage,
  httpdImage,
  pauseImage,
} from './recipes.ts';

export const RECIPES: Record<string, (busybox: string) => ImageRecipe> = {
  [PAUSE_IMAGE]: pauseImage,
  [BUSYBOX_IMAGE]: busyboxImage,
  [HTTPD_IMAGE]: httpdImage,
};

// Bump when a recipe changes in a way the hashed inputs do not show.
const RECIPE_VERSION = '1';

/** Builds (or reuses) the archive for one image; returns its path. */
export function buildImageArchive(name: string, cacheDir: string, busybox = DEFAULT_BUSYBOX): string {
  const recipe = RECIPES[name];
  if (!recipe) throw new Error(`no image recipe for ${name} (known: ${Object.keys(RECIPES).join(', ')})`);
  const key = createHash('sha256')
    .update(RECIPE_VERSION)
    .update(name)
    .update(readFileSync(busybox))
    .update(readFileSync(PAUSE_SOURCE))
    .update(readFileSync(new URL('./recipes.ts', import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  const file = join(cacheDir, `${name.replace(/[^a-zA-Z0-9.-]+/g, '_')}-${key}.oci.tar`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, ociArchive(recipe(busybox)).archive);
  renameSync(tmp, file);
  return file;
}

/** Builds every known image; returns image name → archive path. */
export function buildAllImageArchives(cacheDir: string, busybox = DEFAULT_BUSYBOX): Record<string, string> {
  return Object.fromEntries(
    Object.keys(RECIPES).map((name) => [name, buildImageArchive(name, cacheDir, busybox)]),
  );
}

// `npx tsx resources/images/build.ts OUT_DIR`: build every image archive into OUT_DIR.
if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: tsx resources/images/build.ts OUT_DIR');
    process.exit(2);
  }
  for (const [name, file] of Object.entries(buildAllImageArchives(outDir))) console.log(`${name}\t${file}`);
}
