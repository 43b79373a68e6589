import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBounds, saveBounds, visibleOn } from './window-state.ts';

describe('window state', () => {
  it('restores saved bounds only when they are still on a display', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-window-'));
    try {
      const file = join(dir, 'window.json');
      expect(loadBounds(file)).toBeUndefined();
      saveBounds(file, { x: 100, y: 80, width: 1200, height: 800 });
      const b = loadBounds(file)!;
      expect(b).toEqual({ x: 100, y: 80, width: 1200, height: 800 });
      const screen = { x: 0, y: 0, width: 1920, height: 1080 };
      expect(visibleOn(b, [screen])).toBe(true);
      // A second monitor that has been unplugged.
      expect(visibleOn({ x: 2500, y: 100, width: 1200, height: 800 }, [screen])).toBe(false);
      // Maximized: the normal bounds come back, and the flag to maximize again.
      saveBounds(file, { x: 10, y: 20, width: 1000, height: 700, maximized: true });
      expect(loadBounds(file)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
      writeFileSync(file, '{oops');
      expect(loadBounds(file)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
