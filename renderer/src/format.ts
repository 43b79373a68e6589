// Small display helpers shared by the screens.
import { toBytes, toMilli } from '../../api/quantity.ts';

/** `3m`, `2h`, `5d`, like kubectl's AGE column. */
export function age(timestamp: string | null | undefined, now = Date.now()): string {
  if (!timestamp) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function milliCpu(q: string | number | undefined): number {
  if (q === undefined) return 0;
  try {
    return toMilli(q);
  } catch {
    return 0;
  }
}

export function bytes(q: string | number | undefined): number {
  if (q === undefined) return 0;
  try {
    return toBytes(q);
  } catch {
    return 0;
  }
}

export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? `${milli / 1000}` : `${(milli / 1000).toFixed(2)}`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}
