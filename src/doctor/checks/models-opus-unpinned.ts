import { findingsFor, type Check } from '../types.js';

/** Unpinned `opus` on Bedrock is Opus 4.6, not the latest Opus (seed: "pin ANTHROPIC_DEFAULT_OPUS_MODEL"). */
export const modelsOpusUnpinned: Check = {
  id: 'models.opus-unpinned',
  category: 'models',
  title: 'opus is pinned to the Opus you mean',
  run(facts) {
    const f = findingsFor(this);
    const opus = facts.models.selections.find((selection) => selection.id === 'tier:opus');
    if (!opus) return [f.skip('opus alias not checked', 'the opus alias was not resolved')];
    if (opus.configured) {
      return [f.ok(`opus is pinned: ${opus.configured.value}`, `by ${opus.configured.source}${opus.resolved ? `; sends ${opus.resolved.wireModelId}` : ''}`)];
    }
    const warning = opus.warnings.find((entry) => entry.code === 'MODEL_OPUS_UNPINNED');
    if (warning) return [f.warn('opus is not pinned and means Opus 4.6', warning.message, warning.fix)];
    if (!opus.resolved) return [f.skip('opus alias not available', opus.error?.message ?? 'the opus alias does not resolve in this configuration')];
    return [f.ok(`opus resolves to ${opus.resolved.wireModelId}`, opus.resolved.rule)];
  },
};
