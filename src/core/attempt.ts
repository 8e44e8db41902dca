/**
 * A resolution step that may fail, as data: the one resolver (resolve-configuration.ts) records
 * each part's failure instead of stopping, and doctor, status and iam-policy read the records.
 */
import type { ErrorCode } from './errors.js';
import { isCcBedrockError } from './errors.js';

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

/** `cause` is the thrown value itself, so the first-error mode can rethrow it unchanged. */
export type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ErrorFact; readonly cause?: unknown };

export function attempt<T>(fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: toErrorFact(error), cause: error };
  }
}

export async function attemptAsync<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: toErrorFact(error), cause: error };
  }
}
