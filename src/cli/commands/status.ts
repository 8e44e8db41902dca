import { isCcBedrockError } from '../../errors.js';
import { inspectProxy } from '../../network/proxy.js';
import { resolveRoutePlan } from '../../routing/resolve-route-plan.js';
import { ExitCode, type CliIO, resolutionInputs } from '../io.js';
import { renderStatusText, statusErrorJson, statusJson, type StatusReport } from '../render-status.js';

export interface StatusOptions {
  readonly json?: boolean;
  readonly model?: string;
  readonly settings?: string;
}

/** `cc-bedrock status [--json]`: the route plan with the source of every value. */
export async function run(options: StatusOptions, io: CliIO): Promise<number> {
  let report: StatusReport;
  try {
    const resolution = await resolveRoutePlan(resolutionInputs(io, options));
    report = {
      plan: resolution.plan,
      settingsFiles: resolution.settings.files.map((f) => ({
        scope: f.scope,
        label: f.label,
        exists: f.exists,
        unknownKeys: f.unknownKeys,
        ...(f.managedRole ? { managedRole: f.managedRole } : {}),
      })),
      proxy: inspectProxy(resolution.envLookup),
    };
  } catch (error) {
    if (options.json && isCcBedrockError(error)) {
      io.stdout.write(`${JSON.stringify(statusErrorJson(error), null, 2)}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  io.stdout.write(options.json ? `${JSON.stringify(statusJson(report), null, 2)}\n` : renderStatusText(report));
  return ExitCode.ok;
}
