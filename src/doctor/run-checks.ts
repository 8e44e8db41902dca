import { accessInferenceProfiles } from './checks/access-inference-profiles.js';
import { accessMantleLineup } from './checks/access-mantle-lineup.js';
import { accessModels } from './checks/access-models.js';
import { accessServiceTier } from './checks/access-service-tier.js';
import { credentialsAuthRefresh } from './checks/credentials-auth-refresh.js';
import { credentialsExpiry } from './checks/credentials-expiry.js';
import { credentialsExport } from './checks/credentials-export.js';
import { credentialsIdentity } from './checks/credentials-identity.js';
import { credentialsSource } from './checks/credentials-source.js';
import { iamActions } from './checks/iam-actions.js';
import { modelsArnRegion } from './checks/models-arn-region.js';
import { modelsAvailableModels } from './checks/models-available-models.js';
import { modelsContext1m } from './checks/models-context-1m.js';
import { modelsGeoMismatch } from './checks/models-geo-mismatch.js';
import { modelsLifecycle } from './checks/models-lifecycle.js';
import { modelsMantleFormat } from './checks/models-mantle-format.js';
import { modelsNeedsProfile } from './checks/models-needs-profile.js';
import { modelsOpusUnpinned } from './checks/models-opus-unpinned.js';
import { modelsResolution } from './checks/models-resolution.js';
import { regionClaudeCode } from './checks/region-claude-code.js';
import { regionMalformed } from './checks/region-malformed.js';
import { regionSource } from './checks/region-source.js';
import { settingsClaudeCodeVersion } from './checks/settings-claude-code-version.js';
import { settingsCustomHeaders } from './checks/settings-custom-headers.js';
import { settingsEndpoints } from './checks/settings-endpoints.js';
import { settingsEnvConflicts } from './checks/settings-env-conflicts.js';
import { settingsFiles } from './checks/settings-files.js';
import { settingsMisnamedVariables } from './checks/settings-misnamed-variables.js';
import { settingsProvider } from './checks/settings-provider.js';
import { settingsProxy } from './checks/settings-proxy.js';
import { settingsSecretsInFiles } from './checks/settings-secrets-in-files.js';
import { settingsServiceTier } from './checks/settings-service-tier.js';
import { settingsUnknownKeys } from './checks/settings-unknown-keys.js';
import { settingsVariableValues } from './checks/settings-variable-values.js';
import type { DoctorFacts } from './facts.js';
import { toErrorFact, type Check, type Finding } from './types.js';

/** Every check, in report order. */
export const CHECKS: readonly Check[] = [
  settingsFiles,
  settingsUnknownKeys,
  settingsMisnamedVariables,
  settingsEnvConflicts,
  settingsVariableValues,
  settingsProvider,
  settingsEndpoints,
  settingsProxy,
  settingsServiceTier,
  settingsCustomHeaders,
  settingsSecretsInFiles,
  settingsClaudeCodeVersion,
  regionSource,
  regionMalformed,
  regionClaudeCode,
  modelsResolution,
  modelsOpusUnpinned,
  modelsGeoMismatch,
  modelsNeedsProfile,
  modelsArnRegion,
  modelsContext1m,
  modelsAvailableModels,
  modelsMantleFormat,
  modelsLifecycle,
  credentialsSource,
  credentialsIdentity,
  credentialsExpiry,
  credentialsExport,
  credentialsAuthRefresh,
  accessModels,
  accessMantleLineup,
  accessServiceTier,
  accessInferenceProfiles,
  iamActions,
];

/**
 * Runs every check on the facts. A check that throws is a bug; it becomes a failed finding
 * naming the check instead of stopping the report.
 */
export function runChecks(facts: DoctorFacts, checks: readonly Check[] = CHECKS): Finding[] {
  return checks.flatMap((check) => {
    try {
      return check.run(facts);
    } catch (error) {
      return [
        {
          id: check.id,
          category: check.category,
          status: 'fail' as const,
          title: `${check.title}: the check itself failed`,
          detail: toErrorFact(error).message,
          fix: 'this is a cc-bedrock bug; please report it with the output of `cc-bedrock doctor --json`',
        },
      ];
    }
  });
}
