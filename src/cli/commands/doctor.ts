import { gatherFacts } from '../../doctor/facts.js';
import { doctorReport, renderDoctorText } from '../../doctor/report.js';
import { painter } from '../../core/color.js';
import { runChecks } from '../../doctor/run-checks.js';
import { ExitCode } from '../io.js';
import { type CliIO, resolutionInputs } from '../../core/command-io.js';

export interface DoctorOptions {
  readonly json?: boolean;
  readonly offline?: boolean;
  readonly model?: string;
  readonly settings?: string;
}

/**
 * `cc-bedrock doctor [--json] [--offline]`: gathers facts once, runs every check, prints ok /
 * warn / fail findings with their fixes. Exit code 1 when any check fails.
 */
export async function run(options: DoctorOptions, io: CliIO): Promise<number> {
  const offline = options.offline === true;
  const facts = await gatherFacts({
    ...resolutionInputs(io, options),
    offline,
    stderr: io.stderr,
  });
  const report = doctorReport(runChecks(facts), offline);
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorText(report, painter(io.env, io.stdout)));
  return report.ok ? ExitCode.ok : ExitCode.apiError;
}
