// The window comes back where the user left it: bounds (the un-maximized ones) and whether it
// was maximized, saved on close, restored on start when they still fit a display.
import { readFileSync, writeFileSync } from 'node:fs';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends WindowBounds {
  maximized?: boolean;
}

export function loadBounds(file: string): WindowState | undefined {
  try {
    const b = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>;
    if ([b.x, b.y, b.width, b.height].every((n) => typeof n === 'number' && Number.isFinite(n))) {
      const bounds = { x: b.x!, y: b.y!, width: b.width!, height: b.height! };
      return b.maximized === true ? { ...bounds, maximized: true } : bounds;
    }
  } catch {
    // first start, or a damaged file: default placement
  }
  return undefined;
}

/** True when at least a 100x100 corner of the window is on one of the displays. */
export function visibleOn(bounds: WindowBounds, displays: WindowBounds[]): boolean {
  return displays.some(
    (d) =>
      bounds.x + 100 <= d.x + d.width &&
      bounds.x + bounds.width - 100 >= d.x &&
      bounds.y >= d.y - 10 &&
      bounds.y + 100 <= d.y + d.height,
  );
}

export function saveBounds(file: string, bounds: WindowState): void {
  try {
    writeFileSync(file, JSON.stringify(bounds));
  } catch {
    // not worth failing a quit over
  }
}
