import { findModelById, strip1m } from '../../models/model-catalog.js';
import { distinctPins, modelWarnings } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** `[1m]` only on models with a 1M context window. */
export const modelsContext1m: Check = {
  id: 'models.context-1m',
  category: 'models',
  title: '[1m] is used only on models with 1M context',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    const oneM: string[] = [];
    for (const selection of distinctPins(facts)) {
      const { id, has1m } = strip1m(selection.configured.value);
      if (!has1m) continue;
      if (selection.error?.code === 'MODEL_NO_1M') {
        out.push(
          f.fail(
            `${selection.configured.value} asks for 1M context the model does not have`,
            `${selection.configured.source}: ${selection.error.message}`,
            `remove [1m] from ${selection.configured.source} (set it to ${id})`,
          ),
        );
        continue;
      }
      const model = selection.resolved?.catalogKey ? findModelById(selection.resolved.catalogKey) : findModelById(id);
      if (model?.context1m === 'none') {
        out.push(
          f.fail(
            `${selection.configured.value} asks for 1M context the model does not have`,
            `${selection.configured.source} appends [1m], but ${model.displayName} has no 1M context window`,
            `remove [1m] from ${selection.configured.source} (set it to ${id})`,
          ),
        );
        continue;
      }
      oneM.push(`${selection.configured.source}: ${model ? `${model.displayName}, ${model.context1m === 'native' ? 'always 1M ([1m] is a no-op)' : '1M on request'}` : 'model not recognised'}`);
    }
    for (const warning of modelWarnings(facts)) {
      if (warning.code === 'MODEL_1M_DISABLED' || warning.code === 'MODEL_1M_UNVERIFIED') out.push(f.warn('A [1m] suffix may not take effect', warning.message, warning.fix));
    }
    if (out.length === 0) out.push(f.ok(oneM.length ? '1M context' : 'No [1m] suffix in use', oneM.length ? oneM.join('; ') : 'no configured model asks for the 1M context window'));
    return out;
  },
};
