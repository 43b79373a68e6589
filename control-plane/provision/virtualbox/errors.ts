// VBoxManage failures ("VBoxManage: error: ..." on stderr, often with a VERR_ code) that a user
// can act on become a ProvisionError with the step and a hint. Codes and texts from the
// VirtualBox manual and its user FAQ (https://www.virtualbox.org/manual/ch12.html).
import { ProvisionError } from '../provider.ts';

const KNOWN: { pattern: RegExp; message: (vm: string) => string; hint: string }[] = [
  {
    pattern: /already exists/i,
    message: (vm) => `a VirtualBox VM named ${vm} already exists`,
    hint: 'Delete it with `VBoxManage unregistervm <name> --delete` if it is a leftover, or choose another cluster name.',
  },
  {
    pattern: /VERR_DISK_FULL|not enough (free )?(disk )?space|no space left/i,
    message: () => 'there is no disk space left for the VM',
    hint: 'Free disk space on this computer (VMs live in the cluster folder) and try again.',
  },
  {
    pattern: /VERR_VMX|VERR_SVM|VT-x|AMD-V|hardware virtuali[sz]ation/i,
    message: () =>
      'VirtualBox cannot start the VM: hardware virtualization (VT-x/AMD-V) is disabled or unavailable',
    hint: 'Enable Intel VT-x / AMD-V in the firmware (BIOS/UEFI) settings; on Windows, Hyper-V may hold it (turn it off or use Multipass).',
  },
  {
    pattern: /vboxdrv|kernel driver not installed|VERR_VM_DRIVER/i,
    message: () => 'the VirtualBox kernel driver is not loaded',
    hint: 'Reinstall VirtualBox or load its driver (`sudo /sbin/vboxconfig` on Linux), then try again.',
  },
];

export function vboxError(step: string, vm: string, stderr: string, details?: string): ProvisionError {
  const text = stderr
    .split('\n')
    .map((l) => l.replace(/^VBoxManage: error: /, '').trim())
    .filter(Boolean)
    .join(' ');
  const known = KNOWN.find((k) => k.pattern.test(text));
  if (known)
    return new ProvisionError(step, `${known.message(vm)} (VBoxManage: ${text})`, known.hint, details);
  return new ProvisionError(step, `VBoxManage: ${text || 'failed without a message'}`, undefined, details);
}

export function isMissingVm(stderr: string): boolean {
  return /Could not find a registered machine|VBOX_E_OBJECT_NOT_FOUND/i.test(stderr);
}

export function isNameTaken(stderr: string): boolean {
  return /already exists/i.test(stderr);
}
