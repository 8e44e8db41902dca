import { findModelById, isMantleFormat, strip1m } from '../../models/model-catalog.js';
import { distinctPins, suggestedProfileId } from '../check-helpers.js';
import type { DoctorFacts } from '../facts.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** A Mantle-format ID (anthropic.claude-<name>) that names a Mantle model, used while Mantle is off. */
export function mantleIdWithoutMantle(facts: DoctorFacts, id: string): boolean {
  if (facts.providers.value.mantle) return false;
  const bare = strip1m(id).id;
  if (!isMantleFormat(bare)) return false;
  const model = findModelById(bare);
  return model === undefined || model.mantle?.id === bare;
}

/** Mantle-format IDs in a configuration without Mantle, and Mantle picker entries that cannot appear. */
export const modelsMantleFormat: Check = {
  id: 'models.mantle-format',
  category: 'models',
  title: 'Mantle-format IDs are used with Mantle enabled',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    for (const selection of distinctPins(facts)) {
      const value = strip1m(selection.configured.value).id;
      const wire = selection.resolved?.wireModelId ?? value;
      if (!mantleIdWithoutMantle(facts, wire)) continue;
      const region = selection.resolved?.region.value ?? facts.region.value.value;
      const profile = suggestedProfileId(findModelById(wire), region);
      out.push(
        f.fail(
          `${wire} is a Mantle model ID, but Mantle is off`,
          `${selection.configured.source} selects ${wire}, the Mantle-format ID (anthropic. prefix, no version suffix); with CLAUDE_CODE_USE_MANTLE off it goes to the Invoke API, which needs an inference-profile ID and refuses it`,
          `export CLAUDE_CODE_USE_MANTLE=1 (keep CLAUDE_CODE_USE_BEDROCK=1 so other IDs still use the Invoke API)${profile ? `, or change ${selection.configured.source} to the inference-profile ID ${profile}` : ''}`,
        ),
      );
    }
    const list = facts.models.availableModels;
    if (list && !facts.providers.value.mantle) {
      const mantleEntries = list.value.filter((entry) => entry.trim().startsWith('anthropic.') && isMantleFormat(entry.trim()));
      if (mantleEntries.length > 0) {
        out.push(
          f.warn(
            'availableModels lists Mantle IDs, but Mantle is off',
            `availableModels (${list.source}) lists ${mantleEntries.join(', ')}; entries starting with anthropic. become picker options only when Mantle is enabled`,
            'export CLAUDE_CODE_USE_MANTLE=1 to offer them, or remove them from availableModels',
          ),
        );
      }
    }
    if (out.length === 0) {
      out.push(f.ok('Mantle IDs', facts.providers.value.mantle ? 'Mantle is enabled; Mantle-format IDs route to it' : 'no Mantle-format ID is configured while Mantle is off'));
    }
    return out;
  },
};
