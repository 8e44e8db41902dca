import type { Selection } from '../routing/resolve-configuration.js';
import type { PolicyTarget } from './policy.js';

/**
 * The models a configuration can call, as policy targets: the main and small/fast roles, pinned
 * aliases, modelOverrides values, the subagent model and every availableModels entry. Unpinned
 * aliases are left out unless availableModels names them: least privilege means the models the
 * configuration chose, not every built-in default. Selections that do not resolve are returned
 * as notes instead.
 */
export function policyTargets(
  selections: readonly Selection[],
  backingModelArns: Readonly<Record<string, readonly string[]>> = {},
): { targets: PolicyTarget[]; notes: string[] } {
  const targets = new Map<string, PolicyTarget>();
  const notes: string[] = [];
  for (const selection of selections) {
    if (selection.kind === 'tier' && !selection.configured) continue;
    if (!selection.resolved) {
      if (selection.error && selection.kind !== 'tier') {
        notes.push(`${selection.label} is left out: ${selection.error.message}`);
      } else if (selection.error) {
        notes.push(`${selection.label} (${selection.configured?.source ?? 'pin'}) is left out: ${selection.error.message}`);
      }
      continue;
    }
    const model = selection.resolved;
    const key = `${model.endpoint}\u0000${model.region.value}\u0000${model.wireModelId}`;
    const existing = targets.get(key);
    if (existing) {
      targets.set(key, { ...existing, discoverable: existing.discoverable || model.discoverable });
      continue;
    }
    const backing = backingModelArns[model.wireModelId];
    targets.set(key, {
      modelId: model.wireModelId,
      endpoint: model.endpoint,
      region: model.region.value,
      discoverable: model.discoverable,
      label: selection.label,
      catalogKey: model.catalogKey,
      ...(backing ? { backingModelArns: backing } : {}),
    });
  }
  return { targets: [...targets.values()], notes };
}
