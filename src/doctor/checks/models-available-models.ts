import { findModelById, strip1m } from '../../models/model-catalog.js';
import { chosenSelections, modelWarnings } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** Pins and selections inside `availableModels`, and the allowlist's own consistency. */
export const modelsAvailableModels: Check = {
  id: 'models.available-models',
  category: 'models',
  title: 'Configured models are inside availableModels',
  run(facts) {
    const f = findingsFor(this);
    const list = facts.models.availableModels;
    if (!list) return [f.ok('availableModels is not set', 'every model may be selected')];
    const out: Finding[] = [];
    for (const selection of chosenSelections(facts)) {
      if (selection.error?.code !== 'MODEL_NOT_ALLOWED') continue;
      const what = selection.configured ? `${selection.configured.source}` : selection.label;
      if (selection.kind === 'tier' && selection.configured) {
        // An alias pinned to a model the list excludes: the pin, not the alias, is what to fix.
        const pinned = strip1m(selection.configured.value).id;
        const entry = findModelById(pinned)?.key ?? pinned;
        out.push(
          f.fail(
            `${what} pins a model outside availableModels`,
            `${selection.configured.source} pins the ${selection.name} alias to ${pinned}, which availableModels (${list.source}) does not allow, so /model ${selection.name} is refused`,
            `add "${entry}" to availableModels in ${list.source}, or change ${selection.configured.source} to a model the list allows (${list.value.map((e) => `"${e}"`).join(', ')})`,
          ),
        );
        continue;
      }
      const make = selection.kind === 'override' ? f.warn : f.fail;
      out.push(
        make(
          `${what} is outside availableModels`,
          selection.kind === 'override' ? `${selection.error.message}; this override can never be used` : selection.error.message,
          selection.error.remediation,
        ),
      );
    }
    for (const warning of modelWarnings(facts)) {
      if (warning.code === 'MODEL_SMALL_FAST_NOT_ALLOWED' || warning.code === 'MODEL_ENFORCED_DEFAULT_UNRESOLVED') {
        out.push(f.warn('availableModels overrides a model choice', warning.message, warning.fix));
      }
    }
    if (out.length === 0) out.push(f.ok('Configured models are allowed', `availableModels (${list.source}): ${list.value.map((entry) => `"${entry}"`).join(', ') || 'empty'}`));
    return out;
  },
};
