// The offline test images (busybox, httpd, pause), built once per content into a cache that
// survives between runs (.flotilla-test/ is git-ignored).
import { fileURLToPath } from 'node:url';
import { buildImageArchive } from '../../resources/images/build.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE, PAUSE_IMAGE } from '../../resources/images/recipes.ts';

export { BUSYBOX_IMAGE, HTTPD_IMAGE, PAUSE_IMAGE };

export const IMAGE_CACHE_DIR = fileURLToPath(new URL('../../.flotilla-test/images/', import.meta.url));

/** Archive path of each test image, building the missing ones. */
export function testImageArchives(): { pause: string; busybox: string; httpd: string } {
  return {
    pause: buildImageArchive(PAUSE_IMAGE, IMAGE_CACHE_DIR),
    busybox: buildImageArchive(BUSYBOX_IMAGE, IMAGE_CACHE_DIR),
    httpd: buildImageArchive(HTTPD_IMAGE, IMAGE_CACHE_DIR),
  };
}
