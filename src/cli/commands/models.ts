import { isRegionShaped } from '../../core/region-shape.js';
import { resolveConfiguration } from '../../routing/resolve-configuration.js';
import { catalogMatrix, probeMatrix, renderMatrixText, type ModelMatrix } from '../../doctor/model-matrix.js';
import { CcBedrockError } from '../../core/errors.js';
import { loadNetworkFetch, resolveProxy } from '../../network/proxy.js';
import { ExitCode } from '../io.js';
import { type CliIO, resolutionInputs } from '../../core/command-io.js';

export interface ModelsOptions {
  readonly region?: string;
  readonly json?: boolean;
  readonly refresh?: boolean;
  readonly offline?: boolean;
  readonly settings?: string;
}

function parseRegions(value: string): string[] {
  const regions = [...new Set(value.split(',').map((region) => region.trim()).filter((region) => region !== ''))];
  const bad = regions.filter((region) => !isRegionShaped(region));
  if (regions.length === 0 || bad.length > 0) {
    throw new CcBedrockError('USAGE', `--region ${JSON.stringify(value)} is not a comma-separated list of AWS regions${bad.length ? ` (${bad.join(', ')})` : ''}`, {
      remediation: 'pass regions such as --region us-east-1,us-west-2,eu-west-1',
    });
  }
  return regions;
}

/**
 * `cc-bedrock models [--region r1,r2] [--json] [--refresh] [--offline]`: Claude models x regions
 * with profile IDs, base ID, availability (1-token probes, all in parallel, cached), 1M support
 * and Mantle.
 */
export async function run(options: ModelsOptions, io: CliIO): Promise<number> {
  const snapshot = await resolveConfiguration(resolutionInputs(io, { settings: options.settings }));
  const regions = options.region ? parseRegions(options.region) : [snapshot.region.region.value];
  let matrix: ModelMatrix = catalogMatrix(regions);
  if (!options.offline) {
    const plan = snapshot.credentials.bedrock.ok && snapshot.credentials.mantle.ok ? snapshot.plan : undefined;
    if (!plan) {
      const problem = [snapshot.settingsError, snapshot.credentials.bedrock.ok ? undefined : snapshot.credentials.bedrock.error, snapshot.models.ok ? undefined : snapshot.models.error].find(
        (error) => error !== undefined,
      );
      throw new CcBedrockError(problem?.code ?? 'INTERNAL', `cannot probe models: ${problem?.message ?? 'the configuration does not resolve'}`, {
        remediation: `${problem?.remediation ? `${problem.remediation}; ` : ''}run \`cc-bedrock doctor\` for every problem, or \`cc-bedrock models --offline\` for the catalog alone`,
      });
    }
    // Probes and credentials go through HTTPS_PROXY and friends; an unusable proxy URL stops here.
    const networkFetch = await loadNetworkFetch(resolveProxy(snapshot.envLookup));
    const { createProbeAuth } = await import('../../doctor/probes.js');
    const auth = createProbeAuth({
      plan,
      env: snapshot.envLookup,
      subprocessEnv: snapshot.effectiveEnv,
      homeDir: io.homeDir,
      stderr: io.stderr,
      allowAuthRefresh: true,
      warn: (message) => io.stderr.write(`cc-bedrock: ${message}\n`),
      ...(networkFetch ? { fetch: networkFetch } : {}),
    });
    matrix = await probeMatrix(matrix, {
      plan,
      auth,
      env: snapshot.envLookup,
      homeDir: io.homeDir,
      mantle: plan.providers.mantle && !snapshot.providers.assumed,
      refresh: options.refresh === true,
      ...(networkFetch ? { fetch: networkFetch } : {}),
    });
  }
  io.stdout.write(options.json ? `${JSON.stringify(matrix, null, 2)}\n` : renderMatrixText(matrix));
  return ExitCode.ok;
}
