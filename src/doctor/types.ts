/**
 * Doctor vocabulary: a finding is what one check concludes about one subject. The JSON report is
 * the list of findings; its shape is documented in docs/doctor.md and pinned by tests.
 */
import type { DoctorFacts } from './facts.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type CheckCategory = 'settings' | 'region' | 'models' | 'credentials' | 'access' | 'iam';

export const CATEGORY_ORDER: readonly CheckCategory[] = ['settings', 'region', 'models', 'credentials', 'access', 'iam'];

export const CATEGORY_TITLES: Readonly<Record<CheckCategory, string>> = {
  settings: 'Settings and environment',
  region: 'Region',
  models: 'Models',
  credentials: 'Credentials',
  access: 'Access (live probes)',
  iam: 'IAM',
};

export interface Finding {
  /** Stable check ID, `<category>.<name>`; several findings may share one. */
  readonly id: string;
  readonly category: CheckCategory;
  readonly status: CheckStatus;
  /** One line: what was checked or found. */
  readonly title: string;
  /** The evidence: values, their sources, what happens because of them. Never a secret. */
  readonly detail: string;
  /** The exact fix: a command to run or a setting to change. Absent when nothing needs doing. */
  readonly fix?: string;
}

/** One check: a pure function of the facts gathered once. */
export interface Check {
  readonly id: string;
  readonly category: CheckCategory;
  readonly title: string;
  run(facts: DoctorFacts): Finding[];
}

export { attempt, attemptAsync, toErrorFact, type Attempt, type ErrorFact } from '../core/attempt.js';

/** Builds findings for one check without repeating its id and category. */
export function findingsFor(check: Pick<Check, 'id' | 'category'>) {
  const make =
    (status: CheckStatus) =>
    (title: string, detail: string, fix?: string): Finding => ({
      id: check.id,
      category: check.category,
      status,
      title,
      detail,
      ...(fix ? { fix } : {}),
    });
  return { ok: make('ok'), warn: make('warn'), fail: make('fail'), skip: make('skip') };
}
