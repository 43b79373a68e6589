// Validity windows. Certificates start a few minutes in the past so a node whose clock runs
// slightly behind the control plane's (VMs just booted, before NTP) still accepts them.
import { randomBytes } from 'node:crypto';

export const CLOCK_SKEW_MS = 5 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;

export function validityWindow(
  now: Date,
  days: number,
  notAfterCap?: Date,
): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  let notAfter = new Date(now.getTime() + days * DAY_MS);
  // A certificate cannot usefully outlive the CA that signed it.
  if (notAfterCap && notAfter > notAfterCap) notAfter = notAfterCap;
  return { notBefore, notAfter };
}

/** 128 random bits, top bit clear so the DER INTEGER stays positive (RFC 5280 4.1.2.2). */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}
