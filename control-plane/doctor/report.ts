// What `flotilla doctor` reports: one line per check, each ok/warn/fail with what to do.
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable id, e.g. "virtualization", "port-6443". */
  id: string;
  title: string;
  status: CheckStatus;
  message: string;
  /** What to do about a warn or fail. */
  hint?: string;
}

export interface DoctorReport {
  checks: CheckResult[];
  summary: Record<CheckStatus, number>;
}

export function summarize(checks: CheckResult[]): DoctorReport {
  const summary: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) summary[c.status]++;
  return { checks, summary };
}

const marks: Record<CheckStatus, string> = { ok: ' ok ', warn: 'warn', fail: 'FAIL' };

/** The report as a terminal shows it: `[ ok ] title: message`, hints indented below. */
export function formatReport(report: DoctorReport): string {
  const lines = report.checks.map(
    (c) => `[${marks[c.status]}] ${c.title}: ${c.message}${c.hint ? `\n       -> ${c.hint}` : ''}`,
  );
  const { ok, warn, fail } = report.summary;
  lines.push('', `${ok} ok, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed`);
  return `${lines.join('\n')}\n`;
}
