import { resolveConfiguration } from '../../routing/resolve-configuration.js';
import { configuredPolicy, documentedPolicy } from '../../iam/policy.js';
import { policyTargets } from '../../iam/targets.js';
import { ExitCode } from '../io.js';
import { type CliIO, resolutionInputs } from '../../core/command-io.js';

export interface IamPolicyOptions {
  readonly scope?: 'all' | 'configured';
  readonly mantle?: boolean;
  readonly model?: string;
  readonly settings?: string;
}

const COUNT_TOKENS_NOTE =
  'bedrock:CountTokens (token counting, /context) is a separate action that InvokeModel does not cover; the documented policy omits it, `--scope configured` grants it.';

/**
 * `cc-bedrock iam-policy [--scope all|configured] [--mantle]`: the policy JSON on stdout (and
 * nothing else, so it can be piped into `aws iam put-role-policy`); notes on stderr.
 */
export async function run(options: IamPolicyOptions, io: CliIO): Promise<number> {
  const mantle = options.mantle === true;
  if ((options.scope ?? 'all') === 'all') {
    io.stdout.write(`${JSON.stringify(documentedPolicy({ mantle }), null, 2)}\n`);
    io.stderr.write(`note: the policy of the Claude Code docs (every model, every region). ${COUNT_TOKENS_NOTE}\n`);
    return ExitCode.ok;
  }
  const snapshot = await resolveConfiguration(resolutionInputs(io, options));
  const { targets, notes } = policyTargets(snapshot.selections);
  const kindOf = (endpoint: 'bedrock' | 'mantle') => {
    const plan = snapshot.credentials[endpoint];
    return plan.ok ? plan.value.kind : undefined;
  };
  const result = configuredPolicy({
    targets,
    mantle,
    sessionRegion: snapshot.region.region.value,
    bearerToken: { bedrock: kindOf('bedrock') === 'bearer-token', mantle: kindOf('mantle') === 'bearer-token' },
  });
  io.stdout.write(`${JSON.stringify(result.policy, null, 2)}\n`);
  const allNotes = [
    ...(snapshot.providers.error ? [`${snapshot.providers.error.message}; the policy is for the Invoke API`] : []),
    `scoped to ${targets.length} configured model${targets.length === 1 ? '' : 's'}: ${targets.map((target) => `${target.modelId} (${target.label}, ${target.region})`).join('; ') || 'none'}`,
    ...notes,
    ...result.notes,
    COUNT_TOKENS_NOTE.replace(', `--scope configured` grants it', ', this policy grants it for models with a base ID'),
  ];
  for (const note of allNotes) io.stderr.write(`note: ${note}\n`);
  return ExitCode.ok;
}
