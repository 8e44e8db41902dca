/**
 * Doctor vocabulary: a finding is what one check concludes about one subject. The JSON report is
 * the list of findings; its shape is documented in docs/doctor.md and pinned by tests.
 */
import type { ErrorCode } from '../errors.js';
import { isCcBedrockError } from '../errors.js';
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

/** A CcBedrockError reduced to data; messages of our errors never carry secrets. */
export interface ErrorFact {
  readonly code: ErrorCode;
  readonly message: string;
  readonly remediation: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
}

export function toErrorFact(error: unknown): ErrorFact {
  if (isCcBedrockError(error)) {
    return { code: error.code, message: error.message, remediation: error.remediation, details: { ...error.details } };
  }
  // Anything else is a bug in our code or a library: keep only the first line of the message.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message.split('\n')[0] ?? 'unknown error', remediation: undefined, details: {} };
}

export type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorFact };

export function attempt<T>(fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: toErrorFact(error) };
  }
}

export async function attemptAsync<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: toErrorFact(error) };
  }
}

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
