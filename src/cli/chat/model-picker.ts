/**
 * `/model`: the models this session may switch to. With `availableModels` the list is exactly
 * its entries (plus the default, which the allowlist never blocks); without it, the default and
 * the tier aliases. Each row shows the ID it resolves to here and what discovery learned about
 * it, so a model the account cannot invoke is visible before it is picked.
 */
import { isCcBedrockError } from '../../core/errors.js';
import type { ResolvedModel } from '../../core/route-plan.js';
import type { Session } from '../session.js';

export type ChoiceAvailability = 'available' | 'denied' | 'not-found' | 'unknown' | 'not checked';

export interface ModelChoice {
  /** What `/model <name>` takes: `default`, `opus`, an allowlist entry. */
  readonly name: string;
  readonly model: ResolvedModel;
  readonly availability: ChoiceAvailability;
  /** Why discovery found it unavailable. */
  readonly reason: string | undefined;
}

const TIER_ALIASES = ['default', 'opus', 'sonnet', 'haiku'] as const;

export function candidateNames(session: Pick<Session, 'plan'>): string[] {
  const allowed = session.plan.availableModels?.value;
  const names = allowed ? ['default', ...allowed] : [...TIER_ALIASES];
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.trim().toLowerCase();
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function availabilityOf(session: Pick<Session, 'discovery'>, model: ResolvedModel): { availability: ChoiceAvailability; reason: string | undefined } {
  const entry = session.discovery?.availability.find((row) => row.modelId === model.wireModelId && row.endpoint === model.endpoint);
  if (!entry) return { availability: 'not checked', reason: undefined };
  return { availability: entry.status, reason: entry.reason };
}

/** The rows of the picker; names that do not resolve here (blocked, unknown) are left out. */
export function modelChoices(session: Pick<Session, 'plan' | 'discovery' | 'resolveModel'>): ModelChoice[] {
  const choices: ModelChoice[] = [];
  // The plan's own default carries what discovery decided (a global profile, a fallback).
  const planDefault = session.plan.models.main.requested === 'default' ? session.plan.models.main : undefined;
  for (const name of candidateNames(session)) {
    let model: ResolvedModel;
    try {
      model = name === 'default' && planDefault ? planDefault : session.resolveModel(name, '/model');
    } catch (error) {
      if (isCcBedrockError(error)) continue;
      throw error;
    }
    choices.push({ name, model, ...availabilityOf(session, model) });
  }
  return choices;
}

const MARKS: Record<ChoiceAvailability, string> = {
  available: 'available',
  denied: 'not granted to this account',
  'not-found': 'not offered in this region',
  unknown: 'availability unknown',
  'not checked': 'not checked',
};

export function describeChoice(choice: ModelChoice): string {
  return `${choice.name.padEnd(12)} ${choice.model.wireModelId}  [${MARKS[choice.availability]}]`;
}

/** Whether a row is the session's current model: by name when one was chosen, else by wire ID. */
export function isCurrentChoice(choice: ModelChoice, current: ResolvedModel, selection: string | undefined): boolean {
  if (selection !== undefined) return choice.name.toLowerCase() === selection.trim().toLowerCase();
  if (current.requested === 'default') return choice.name === 'default';
  return choice.model.wireModelId === current.wireModelId && choice.model.endpoint === current.endpoint && choice.name !== 'default';
}

/** The list `/model` prints when it cannot show a picker (stdin is not a terminal). */
export function renderChoices(choices: readonly ModelChoice[], current: ResolvedModel, selection: string | undefined): string {
  const lines = choices.map((choice) => ` ${isCurrentChoice(choice, current, selection) ? '*' : ' '} ${describeChoice(choice)}`);
  return `${lines.join('\n')}\n`;
}
