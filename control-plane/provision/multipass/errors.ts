// multipass reports failures as "<command> failed: <reason>" on stderr with a non-zero exit.
// The reasons a user can act on get a ProvisionError with the step and a hint; the rest keep
// multipass's own words. Texts as multipass prints them (see its issue tracker, e.g.
// https://github.com/canonical/multipass/issues/2456 for "timed out waiting for response").
import { ProvisionError } from '../provider.ts';

interface KnownFailure {
  pattern: RegExp;
  message: (name: string) => string;
  hint: string;
}

const KNOWN: KnownFailure[] = [
  {
    pattern: /instance "[^"]+" already exists|already exists/i,
    message: (name) => `a Multipass instance named ${name} already exists`,
    hint: 'Delete it with `multipass delete --purge <name>` if it is a leftover, or choose another cluster name.',
  },
  {
    pattern: /disk space|no space left|not enough (free )?space|insufficient.*(disk|space)/i,
    message: () => 'Multipass has no disk space left for the instance',
    hint: "Free disk space on this computer (images and instances live in Multipass's data folder) or ask for a smaller --disk.",
  },
  {
    pattern: /VT-x|AMD-V|KVM|virtuali[sz]ation|hypervisor|Hyper-V/i,
    message: () =>
      'Multipass cannot start virtual machines on this computer: hardware virtualization is unavailable',
    hint: 'Enable virtualization (Intel VT-x / AMD-V) in the firmware settings, or on Windows turn on Hyper-V or use VirtualBox, then try again.',
  },
  {
    pattern: /timed out/i,
    message: (name) => `the instance ${name} did not finish starting in time`,
    hint: 'Multipass gave up waiting for the VM to boot; see the console log below, check the computer is not short of memory, and try again.',
  },
  {
    pattern: /cannot connect to the multipass socket|multipassd/i,
    message: () => 'the Multipass service (multipassd) is not running',
    hint: 'Start Multipass (open the Multipass app, or `sudo snap start multipass` on Linux) and try again.',
  },
];

export function multipassError(step: string, name: string, stderr: string, details?: string): ProvisionError {
  const text = stderr.trim();
  const known = KNOWN.find((k) => k.pattern.test(text));
  if (known)
    return new ProvisionError(
      step,
      `${known.message(name)} (multipass: ${oneLine(text)})`,
      known.hint,
      details,
    );
  return new ProvisionError(
    step,
    `multipass: ${oneLine(text) || 'failed without a message'}`,
    undefined,
    details,
  );
}

export function isNameTaken(stderr: string): boolean {
  return /already exists/i.test(stderr);
}

export function isMissingInstance(stderr: string): boolean {
  return /does not exist|not found/i.test(stderr);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
