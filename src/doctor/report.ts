/**
 * The doctor report: `--json` prints `DoctorReport` as is (schema in docs/doctor.md), the
 * text rendering groups the same findings by category.
 */
import { NO_PAINT, type Paint, type Style } from '../core/color.js';
import { CATEGORY_ORDER, CATEGORY_TITLES, type CheckCategory, type CheckStatus, type Finding } from './types.js';

export const DOCTOR_SCHEMA = 'cc-bedrock.doctor/1';

export interface DoctorReport {
  readonly schema: typeof DOCTOR_SCHEMA;
  /** True when no finding failed. */
  readonly ok: boolean;
  readonly offline: boolean;
  readonly summary: Readonly<Record<CheckStatus, number>>;
  readonly checks: ReadonlyArray<{
    readonly id: string;
    readonly category: CheckCategory;
    readonly status: CheckStatus;
    readonly title: string;
    readonly detail: string;
    readonly fix: string | null;
  }>;
}

export function doctorReport(findings: readonly Finding[], offline: boolean): DoctorReport {
  const summary: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const finding of findings) summary[finding.status] += 1;
  const order = (finding: Finding): number => CATEGORY_ORDER.indexOf(finding.category);
  const checks = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => order(a.finding) - order(b.finding) || a.index - b.index)
    .map(({ finding }) => ({
      id: finding.id,
      category: finding.category,
      status: finding.status,
      title: finding.title,
      detail: finding.detail,
      fix: finding.fix ?? null,
    }));
  return { schema: DOCTOR_SCHEMA, ok: summary.fail === 0, offline, summary, checks };
}

const MARK: Readonly<Record<CheckStatus, string>> = { ok: ' ok ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };
const MARK_STYLE: Readonly<Record<CheckStatus, Style>> = { ok: 'green', warn: 'yellow', fail: 'red', skip: 'dim' };

/** Human rendering: one block per category, the fix under every finding that has one. `paint` colours the marks. */
export function renderDoctorText(report: DoctorReport, paint: Paint = NO_PAINT): string {
  const lines: string[] = ['cc-bedrock doctor', ''];
  for (const category of CATEGORY_ORDER) {
    const entries = report.checks.filter((check) => check.category === category);
    if (entries.length === 0) continue;
    lines.push(CATEGORY_TITLES[category]);
    for (const entry of entries) {
      lines.push(`  [${paint(MARK_STYLE[entry.status], MARK[entry.status])}] ${entry.title}  (${entry.id})`);
      lines.push(`         ${entry.detail}`);
      if (entry.fix && entry.status !== 'ok') lines.push(`         fix: ${entry.fix}`);
    }
    lines.push('');
  }
  const { ok, warn, fail, skip } = report.summary;
  lines.push(`${fail} failed, ${warn} warnings, ${ok} ok, ${skip} skipped${report.offline ? ' (--offline: nothing was sent to AWS)' : ''}`);
  lines.push(fail > 0 ? 'Fix the failures above, then run `cc-bedrock doctor` again.' : 'No failures.');
  return `${lines.join('\n')}\n`;
}
