import { gatherFacts } from '../../doctor/facts.js';
import { doctorReport } from '../../doctor/report.js';
import { runChecks } from '../../doctor/run-checks.js';
import { inspectProxy } from '../../network/proxy.js';
import { resolveConfiguration } from '../../routing/resolve-configuration.js';
import { ExitCode } from '../io.js';
import { type CliIO, resolutionInputs } from '../../core/command-io.js';
import { renderStatusText, statusErrorJson, statusJson, type StatusReport } from '../render-status.js';

export interface StatusOptions {
  readonly json?: boolean;
  readonly model?: string;
  readonly settings?: string;
}

/**
 * `cc-bedrock status [--json]`: the route plan with the source of every value, and the findings
 * `doctor --offline` reports on the same resolution (one resolver, one set of checks: "Warnings
 * none" means doctor --offline is clean). A part that does not resolve is marked and the rest of
 * the plan still shown; the exit code is then 2.
 */
export async function run(options: StatusOptions, io: CliIO): Promise<number> {
  const inputs = resolutionInputs(io, options);
  const snapshot = await resolveConfiguration(inputs);
  const facts = await gatherFacts({ ...inputs, offline: true, stderr: io.stderr, snapshot });
  const findings = doctorReport(runChecks(facts), true).checks.filter((check) => check.status === 'warn' || check.status === 'fail');
  const { plan, settings, problems } = snapshot;
  if (!plan || !settings) {
    // Not even the built-in default resolves: there is no plan to show, only why.
    const first = problems[0];
    if (options.json) io.stdout.write(`${JSON.stringify(statusErrorJson(first?.error), null, 2)}\n`);
    else throw first?.cause ?? new Error('the configuration does not resolve');
    return ExitCode.usage;
  }
  const report: StatusReport = {
    plan,
    settingsFiles: settings.files.map((f) => ({
      scope: f.scope,
      label: f.label,
      exists: f.exists,
      unknownKeys: f.unknownKeys,
      ...(f.managedRole ? { managedRole: f.managedRole } : {}),
    })),
    proxy: inspectProxy(snapshot.envLookup),
    problems: problems.map((problem) => ({ part: problem.part, error: problem.error })),
    findings,
  };
  io.stdout.write(options.json ? `${JSON.stringify(statusJson(report), null, 2)}\n` : renderStatusText(report));
  return problems.length === 0 ? ExitCode.ok : ExitCode.usage;
}
