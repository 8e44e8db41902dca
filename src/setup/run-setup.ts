/**
 * `cc-bedrock setup`, the `/setup-bedrock` wizard (spec §9): detect credentials, choose an
 * authentication method, confirm the region, verify which models the account can invoke, pin
 * opus/sonnet/haiku, optionally a service tier, guardrail and Mantle, review the change and
 * write it atomically to the chosen settings file.
 *
 * Interactive through a `Prompter`, or non-interactive (`--yes`) from flags. Flags given in
 * interactive mode answer their question, which is then not asked. Decisions about what to
 * write are pure functions (decide-changes.ts, model-choices.ts); this file asks and prints.
 */
import { isRegionShaped } from '../core/region-shape.js';
import { resolveRegion } from '../aws/region.js';
import { type CliIO, resolutionInputs } from '../core/command-io.js';
import { resolveConfiguration } from '../routing/resolve-configuration.js';
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { maskKeyId } from '../core/redact.js';
import { readEnv } from '../core/read-env.js';
import type { EnvLookup, Sourced } from '../core/route-plan.js';
import { createEnvLookup } from '../settings/effective-env.js';
import { readEnumVar, readSwitchVar } from '../settings/read-var.js';
import { SCOPE_ORDER, loadSettings, type LoadedSettings } from '../settings/load-settings.js';
import { applySettingsChange, readSettingsDocument, updateSettingsFile, writeSettingsAtomic, type SettingsDocument } from '../settings/write-settings.js';
import { describeProfile, describeSources, detectCredentialSources, suggestedAuthMethod, suggestedProfile, type CredentialSources } from './detect-credentials.js';
import { SECRET_VARIABLES, guardrailFromHeaders, planSetupChanges, ssoRefreshCommand } from './decide-changes.js';
import { diffSettings, renderDiff } from './env-diff.js';
import { TYPE_PIN, pinChoice, pinFromFlag, pinQuestion, probeCandidates, type ProbeCandidate, type ProbeResult } from './model-choices.js';
import { prospectiveEnv } from './prospective-env.js';
import { GUARDRAIL_ID, GUARDRAIL_VERSION, availableModelsFromFlag, commandFromFlag, guardrailFromFlags, modelOverridesFromFlag, parseAuthFlag, parseServiceTierFlag, type ServiceTier } from './setup-flags.js';
import { writeManagedForms } from './managed-output.js';
import { Output } from './setup-output.js';
import { assertSecretsAllowed, resolveSetupTarget, type SetupTarget } from './targets.js';
import {
  AUTH_METHODS,
  KEEP,
  PIN_FAMILIES,
  PIN_VARIABLE,
  SetupCancelled,
  UNSET,
  setTo,
  type AuthAnswer,
  type AuthMethod,
  type Choice,
  type GuardrailSetting,
  type PinFamily,
  type Prompter,
  type SetupAnswers,
  type SetupResult,
} from './types.js';
import { isCredentialFailure, openVerifySession, type VerifySession } from './verify.js';

export interface SetupOptions {
  readonly yes?: boolean;
  readonly auth?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly opus?: string;
  readonly sonnet?: string;
  readonly haiku?: string;
  readonly serviceTier?: string;
  readonly guardrailId?: string;
  readonly guardrailVersion?: string;
  readonly mantle?: boolean;
  readonly target?: string;
  readonly managed?: string;
  readonly settings?: string;
  /** `none` removes the setting. */
  readonly awsAuthRefresh?: string;
  readonly awsCredentialExport?: string;
  /** Comma-separated; `none` removes availableModels. */
  readonly availableModels?: string;
  /** `<anthropic-id>=<bedrock-id-or-arn>`, repeatable; `none` removes modelOverrides. */
  readonly modelOverride?: readonly string[];
  /** Print the result as JSON on stdout; the wizard's lines go to stderr. */
  readonly json?: boolean;
}

export interface SetupDeps {
  /** Asks the questions; required unless `--yes`. */
  readonly prompter?: Prompter | undefined;
  /** Sends verification requests (STS, Bedrock); the global fetch by default. */
  readonly fetch?: typeof fetch;
}

const AUTH_LABEL: Readonly<Record<AuthMethod, string>> = {
  profile: 'AWS profile from ~/.aws (SSO, access keys, assume role, credential_process)',
  'api-key': 'Amazon Bedrock API key',
  'access-keys': 'Access key ID and secret access key',
  environment: 'Credentials already in the environment (AWS_* variables, awsCredentialExport, instance role)',
};

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

function stringAt(record: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function sourced(settings: LoadedSettings, key: 'awsAuthRefresh' | 'awsCredentialExport'): Sourced<string> | undefined {
  const value = settings.merged[key];
  return typeof value === 'string' && value.trim() !== '' ? { value, source: settings.originOf(key) ?? 'settings' } : undefined;
}

function resultLine(result: ProbeResult): string {
  const mark = result.status === 'available' ? 'ok ' : result.status === 'unknown' ? ' ? ' : ' x ';
  const where = result.candidate.endpoint === 'mantle' ? ' [Mantle]' : '';
  const why =
    result.status === 'available'
      ? ''
      : ` - ${result.status === 'denied' ? 'not granted' : result.status === 'not-found' ? 'not offered here' : 'could not check'}${result.reason ? `: ${result.reason.split('\n')[0]}` : ''}`;
  return `  ${mark} ${result.candidate.displayName.padEnd(18)} ${result.candidate.id}${where}${why}`;
}

/** The wizard. Returns the exit code; throws CcBedrockError for usage and configuration problems. */
export async function runSetup(options: SetupOptions, io: CliIO, deps: SetupDeps = {}): Promise<SetupResult> {
  const nonInteractive = options.yes === true;
  const prompter = nonInteractive ? undefined : deps.prompter;
  if (!nonInteractive && (!io.interactive || !prompter)) {
    throw new CcBedrockError('USAGE', 'setup asks questions, but stdin/stdout is not a terminal', {
      remediation:
        'run it in a terminal, or pass --yes with flags for every choice, e.g. cc-bedrock setup --yes --auth profile --profile dev --region us-east-1 --sonnet us.anthropic.claude-sonnet-4-6 (see cc-bedrock setup --help)',
    });
  }
  const out = new Output(options.json ? io.stderr : io.stdout, !nonInteractive && io.interactive);
  for (const name of SECRET_VARIABLES) out.addSecret(readEnv(io.env, name));
  try {
    return await wizard(options, io, out, prompter, deps);
  } catch (error) {
    if (error instanceof SetupCancelled) {
      out.line('');
      out.line('Setup cancelled; nothing was written.');
      return { outcome: 'cancelled', written: [], changed: [] };
    }
    if (isCcBedrockError(error)) error.message = out.scrub(error.message);
    throw error;
  }
}

async function wizard(options: SetupOptions, io: CliIO, out: Output, prompter: Prompter | undefined, deps: SetupDeps): Promise<SetupResult> {
  const authFlag = parseAuthFlag(options.auth);
  const target = resolveSetupTarget({ target: options.target, managed: options.managed, homeDir: io.homeDir, cwd: io.cwd, env: io.env, platform: io.platform });
  if (authFlag) assertSecretsAllowed(target, authFlag);
  // Read first: a malformed file stops the wizard before a single question (exit 2, line:column).
  const document = readSettingsDocument(target.path, target.label);
  const currentEnv = envBlockOf(document.value);
  for (const name of SECRET_VARIABLES) out.addSecret(stringAt(currentEnv, name));

  const loaded = loadSettings({ homeDir: io.homeDir, cwd: io.cwd, platform: io.platform, env: io.env, settingsFlag: options.settings, collectErrors: true });
  const base = createEnvLookup(io.env, loaded);

  out.line('cc-bedrock setup: Claude Code on Amazon Bedrock');
  out.line(`Settings file: ${target.label}${document.exists ? '' : ' (will be created)'}${target.kind === 'managed' ? ' (managed settings for fleet rollout)' : ''}`);
  for (const file of loaded.files) {
    for (const error of file.errors) out.line(`  note: ${error.message} (Claude Code will stop on this file too)`);
  }
  out.line('');

  const awsCredentialExport = sourced(loaded, 'awsCredentialExport');
  const awsAuthRefresh = sourced(loaded, 'awsAuthRefresh');
  const sources = await detectCredentialSources({ env: base, homeDir: io.homeDir, awsCredentialExport, awsAuthRefresh });
  out.line('Credentials found on this machine:');
  out.lines(describeSources(sources));
  out.line('');

  // 1. Authentication method.
  const method = authFlag ?? (prompter ? await askMethod(prompter, currentEnv, sources) : defaultMethodForYes(currentEnv));
  assertSecretsAllowed(target, method);
  let auth = await chooseAuth(method, options, io, out, prompter, currentEnv, sources);

  // 2. Region: where the default comes from is shown (spec §5 order, with the chosen profile).
  const credentialChange = planSetupChanges(
    { ...keepAllAnswers('us-east-1'), auth },
    currentEnv,
    document.value,
  ).change.env ?? {};
  const { AWS_REGION: _ignored, ...credentialOnlySet } = credentialChange.set ?? {};
  const regionEnv = prospectiveEnv(base, io.env, { set: credentialOnlySet, unset: credentialChange.unset ?? [] }, target.label).lookup;
  const resolved = await resolveRegion({ env: regionEnv, homeDir: io.homeDir });
  const region = await chooseRegion(options, out, prompter, resolved.region);

  // 3. Verify credentials and models, as Claude Code will see them after the write.
  const currentMantle = readSwitchVar(base, 'CLAUDE_CODE_USE_MANTLE');
  const mantleFlag: Choice<true> = options.mantle === true ? setTo(true) : KEEP;
  const mantleOn = options.mantle === true || currentMantle;
  const existingPins: Partial<Record<PinFamily, string>> = {};
  for (const family of PIN_FAMILIES) {
    const pin = base.get(PIN_VARIABLE[family])?.value;
    if (pin) existingPins[family] = pin;
  }
  const verifyAs = (answer: AuthAnswer): Promise<Verification | 'failed' | 'retry'> => {
    const verifyChange = planSetupChanges({ ...keepAllAnswers(region), auth: answer, mantle: mantleFlag }, currentEnv, document.value).change.env ?? {};
    const env = prospectiveEnv(base, io.env, verifyChange, target.label);
    return verify({ out, io, deps, target, method, auth: answer, region, mantle: mantleOn, existingPins, env, awsAuthRefresh, awsCredentialExport, prompter });
  };
  let verification = await verifyAs(auth);
  // A mistyped key or secret is typed again, not the end of the run.
  while (verification === 'retry') {
    auth = await chooseAuth(method, options, io, out, prompter, currentEnv, sources);
    verification = await verifyAs(auth);
  }
  if (verification === 'failed') return { outcome: 'verification-failed', target: target.label, written: [], changed: [] };
  const { session, results } = verification;

  // 4. Pins.
  const rerun = stringAt(currentEnv, 'CLAUDE_CODE_USE_BEDROCK') !== undefined;
  const pins = {} as Record<PinFamily, Choice<string>>;
  for (const family of PIN_FAMILIES) {
    pins[family] = await choosePin(family, options[family], region, results, existingPins[family], rerun, out, prompter);
  }
  if (unavailablePinsFail(options, results, pins, out)) return { outcome: 'pins-unavailable', target: target.label, written: [], changed: [] };

  // 5. Optional: service tier, guardrail, Mantle; awsAuthRefresh for an SSO profile.
  const currentGuardrail = guardrailFromHeaders(stringAt(currentEnv, 'ANTHROPIC_CUSTOM_HEADERS') ?? base.get('ANTHROPIC_CUSTOM_HEADERS')?.value);
  const currentTier = currentServiceTier(base);
  let serviceTier = parseServiceTierFlag(options.serviceTier);
  let guardrail = guardrailFromFlags(options.guardrailId, options.guardrailVersion, currentGuardrail);
  let mantle = mantleFlag;
  const extrasFromFlags = options.serviceTier !== undefined || options.guardrailId !== undefined || options.guardrailVersion !== undefined || options.mantle === true;
  if (prompter && !extrasFromFlags) {
    const extras = await prompter.confirm({ message: 'Configure a service tier, a guardrail or the Mantle endpoint too?', default: false });
    if (extras) {
      serviceTier = await askServiceTier(prompter, currentTier);
      guardrail = await askGuardrail(prompter, currentGuardrail);
      mantle = (await prompter.confirm({ message: 'Also enable the Mantle endpoint (CLAUDE_CODE_USE_MANTLE=1)?', default: currentMantle })) ? setTo(true) : UNSET;
    }
  }
  if (guardrail.kind === 'set') await reportGuardrail(out, session, results, pins, guardrail.value);
  if (mantle.kind === 'set' && !mantleOn) await reportMantle(out, session, region);
  const refreshFlag = commandFromFlag('--aws-auth-refresh', options.awsAuthRefresh);
  const refresh = refreshFlag.kind !== 'keep' ? refreshFlag : await chooseAuthRefresh(auth, sources, awsAuthRefresh, prompter, document.value, target);

  // 6. Review and write.
  const answers: SetupAnswers = {
    auth,
    region,
    pins,
    serviceTier,
    guardrail,
    mantle,
    awsAuthRefresh: refresh,
    awsCredentialExport: commandFromFlag('--aws-credential-export', options.awsCredentialExport),
    availableModels: availableModelsFromFlag(options.availableModels),
    modelOverrides: modelOverridesFromFlag(options.modelOverride),
  };
  const planned = planSetupChanges(answers, currentEnv, document.value);
  const after = applySettingsChange(document.value, planned.change, target.label);
  const diff = diffSettings(document.value, after);
  out.line('');
  if (diff.entries.length === 0) {
    out.line(`${target.label} already has this configuration; nothing was written.`);
    return { outcome: 'unchanged', target: target.label, written: [], changed: [] };
  }
  const changed = diff.entries.map((entry) => entry.path);
  out.line(`Changes to ${target.label}:`);
  out.lines(renderDiff(diff));
  warnOverrides(out, loaded, target, Object.keys(planned.change.env?.set ?? {}));
  if (planned.secretsStored.length > 0) {
    out.line('');
    out.line(
      `Note: ${planned.secretsStored.join(' and ')} will be stored in plain text in ${target.label} because you chose the ${method === 'api-key' ? 'API key' : 'access key'} method.`,
    );
    out.line('      An AWS profile (aws configure sso, or aws configure --profile <name>) keeps secrets out of settings files.');
  }
  if (prompter && !(await prompter.confirm({ message: `Write these changes to ${target.label}?`, default: true }))) {
    out.line('Nothing was written.');
    return { outcome: 'declined', target: target.label, written: [], changed };
  }
  const written = write(out, target, document, prompter ? { reviewed: after } : { answers }, planned.secretsStored.length > 0, io.homeDir);
  if (written.length > 0 && target.kind !== 'managed') await reportResolution(out, io, options.settings);
  return written.length > 0 ? { outcome: 'written', target: target.label, written, changed } : { outcome: 'unchanged', target: target.label, written: [], changed: [] };
}

function envBlockOf(settings: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const env = settings.env;
  return env !== null && typeof env === 'object' && !Array.isArray(env) ? (env as Record<string, unknown>) : {};
}

/** Answers that change nothing but what the caller overrides. */
function keepAllAnswers(region: string): SetupAnswers {
  return {
    auth: { method: 'environment' },
    region,
    pins: { opus: KEEP, sonnet: KEEP, haiku: KEEP },
    serviceTier: KEEP,
    guardrail: KEEP,
    mantle: KEEP,
    awsAuthRefresh: KEEP,
  };
}

function defaultMethodForYes(currentEnv: Readonly<Record<string, unknown>>): AuthMethod {
  // CI is explicit: without --auth, keep the method the file already has, else the environment's credentials.
  if (stringAt(currentEnv, 'AWS_BEARER_TOKEN_BEDROCK')) return 'api-key';
  if (stringAt(currentEnv, 'AWS_ACCESS_KEY_ID') && stringAt(currentEnv, 'AWS_SECRET_ACCESS_KEY')) return 'access-keys';
  if (stringAt(currentEnv, 'AWS_PROFILE')) return 'profile';
  return 'environment';
}

async function askMethod(prompter: Prompter, currentEnv: Readonly<Record<string, unknown>>, sources: CredentialSources): Promise<AuthMethod> {
  return prompter.select<AuthMethod>({
    message: 'How should Claude Code authenticate to Amazon Bedrock?',
    choices: AUTH_METHODS.map((value) => ({ value, name: AUTH_LABEL[value] })),
    default: suggestedAuthMethod(currentEnv, sources),
  });
}

async function chooseAuth(
  method: AuthMethod,
  options: SetupOptions,
  io: CliIO,
  out: Output,
  prompter: Prompter | undefined,
  currentEnv: Readonly<Record<string, unknown>>,
  sources: CredentialSources,
): Promise<AuthAnswer> {
  switch (method) {
    case 'profile': {
      const profile = options.profile ?? (prompter ? await askProfile(prompter, out, currentEnv, sources) : (readEnv(io.env, 'AWS_PROFILE') ?? stringAt(currentEnv, 'AWS_PROFILE') ?? 'default'));
      if (!sources.profiles.some((p) => p.name === profile)) {
        out.line(`  warning: profile "${profile}" is not in ${sources.files.config.label} or ${sources.files.credentials.label}; create it with aws configure sso --profile ${profile}`);
      }
      return { method, profile };
    }
    case 'api-key': {
      const fromFile = stringAt(currentEnv, 'AWS_BEARER_TOKEN_BEDROCK');
      if (!prompter) {
        const fromEnv = readEnv(io.env, 'AWS_BEARER_TOKEN_BEDROCK');
        if (fromEnv === undefined && fromFile === undefined) {
          throw new CcBedrockError('USAGE', '--auth api-key needs the key in AWS_BEARER_TOKEN_BEDROCK (it is never taken as a flag, where it would end up in shell history and process lists)', {
            remediation: 'export AWS_BEARER_TOKEN_BEDROCK=<Amazon Bedrock API key> for this command, or use --auth profile',
          });
        }
        return { method, apiKey: fromEnv ?? undefined };
      }
      const fromEnv = readEnv(io.env, 'AWS_BEARER_TOKEN_BEDROCK');
      out.line('  The key will be stored in plain text in the settings file; an AWS profile avoids that.');
      const hint = fromFile ? ' (Enter keeps the current key)' : fromEnv ? ' (Enter uses AWS_BEARER_TOKEN_BEDROCK from your environment)' : '';
      const typed = (
        await prompter.password({
          message: `Amazon Bedrock API key${hint}`,
          validate: (value) => (value.trim() !== '' || fromFile || fromEnv ? true : 'enter the key (it starts with ABSK or bedrock-api-key-)'),
        })
      ).trim();
      out.addSecret(typed);
      if (typed !== '') return { method, apiKey: typed };
      return { method, apiKey: fromFile ? undefined : fromEnv };
    }
    case 'access-keys': {
      const fileId = stringAt(currentEnv, 'AWS_ACCESS_KEY_ID');
      const fileHasKeys = fileId !== undefined && stringAt(currentEnv, 'AWS_SECRET_ACCESS_KEY') !== undefined;
      if (!prompter) {
        const accessKeyId = readEnv(io.env, 'AWS_ACCESS_KEY_ID');
        const secretAccessKey = readEnv(io.env, 'AWS_SECRET_ACCESS_KEY');
        if (accessKeyId && secretAccessKey) {
          return { method, keys: { accessKeyId, secretAccessKey, sessionToken: readEnv(io.env, 'AWS_SESSION_TOKEN') } };
        }
        if (fileHasKeys) return { method, keys: undefined };
        throw new CcBedrockError('USAGE', '--auth access-keys needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (secrets are never taken as flags)', {
          remediation: 'export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) for this command, or use --auth profile',
        });
      }
      out.line('  The secret will be stored in plain text in the settings file; an AWS profile avoids that.');
      const accessKeyId = (
        await prompter.input({
          message: fileHasKeys ? `AWS access key ID (Enter keeps ${maskKeyId(fileId)})` : 'AWS access key ID',
          validate: (value) => (value.trim() === '' && fileHasKeys) || ACCESS_KEY_ID.test(value.trim()) || 'an access key ID is 16 or more capital letters and digits, e.g. AKIA...',
          displayFinal: (value) => (value.trim() === '' ? '(kept)' : maskKeyId(value.trim())),
        })
      ).trim();
      if (accessKeyId === '') return { method, keys: undefined };
      const secretAccessKey = (
        await prompter.password({ message: 'AWS secret access key', validate: (value) => value.trim() !== '' || 'enter the secret access key' })
      ).trim();
      out.addSecret(secretAccessKey);
      const sessionToken = (await prompter.password({ message: 'AWS session token (Enter for none; temporary keys expire)' })).trim();
      out.addSecret(sessionToken);
      return { method, keys: { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined } };
    }
    case 'environment':
      return { method };
  }
}

async function askProfile(prompter: Prompter, out: Output, currentEnv: Readonly<Record<string, unknown>>, sources: CredentialSources): Promise<string> {
  const OTHER = '\u0000other';
  const suggested = suggestedProfile(currentEnv, sources);
  if (sources.profiles.length === 0) {
    out.line('  No AWS profiles found. Create one with `aws configure sso` (IAM Identity Center) or `aws configure --profile <name>`.');
    return (await prompter.input({ message: 'AWS profile name', default: suggested ?? 'default', validate: (v) => v.trim() !== '' || 'enter a profile name' })).trim();
  }
  const choice = await prompter.select<string>({
    message: 'Which AWS profile?',
    choices: [...sources.profiles.map((profile) => ({ value: profile.name, name: describeProfile(profile) })), { value: OTHER, name: 'Another profile name...' }],
    default: suggested && sources.profiles.some((p) => p.name === suggested) ? suggested : sources.profiles[0]?.name,
  });
  if (choice !== OTHER) return choice;
  return (await prompter.input({ message: 'AWS profile name', validate: (v) => v.trim() !== '' || 'enter a profile name' })).trim();
}

async function chooseRegion(options: SetupOptions, out: Output, prompter: Prompter | undefined, resolved: Sourced<string>): Promise<string> {
  if (options.region !== undefined) {
    const region = options.region.trim();
    if (!isRegionShaped(region)) {
      throw new CcBedrockError('REGION_INVALID', `--region ${JSON.stringify(options.region)} is not an AWS region name`, { remediation: 'pass a region such as us-east-1 or eu-west-1' });
    }
    out.line(`Region: ${region} (from --region)`);
    return region;
  }
  out.line(`Region: ${resolved.value} (${resolved.source.startsWith('default') ? 'the default: nothing sets a region' : `from ${resolved.source}`})`);
  if (!prompter) return resolved.value;
  const answer = await prompter.input({
    message: 'AWS region for Bedrock',
    default: resolved.value,
    validate: (value) => isRegionShaped(value.trim()) || 'enter a region name such as us-east-1',
  });
  return answer.trim();
}

type Verification = { session: VerifySession | undefined; results: ProbeResult[] };

interface VerifyStep {
  readonly out: Output;
  readonly io: CliIO;
  readonly deps: SetupDeps;
  readonly target: SetupTarget;
  readonly method: AuthMethod;
  readonly auth: AuthAnswer;
  readonly region: string;
  readonly mantle: boolean;
  readonly existingPins: Partial<Record<PinFamily, string>>;
  readonly env: { readonly lookup: EnvLookup; readonly subprocessEnv: Record<string, string> };
  readonly awsAuthRefresh: Sourced<string> | undefined;
  readonly awsCredentialExport: Sourced<string> | undefined;
  readonly prompter: Prompter | undefined;
}

async function verify(step: VerifyStep): Promise<Verification | 'failed' | 'retry'> {
  const { out, io, deps, target, method, auth, region, mantle, existingPins, env, awsAuthRefresh, awsCredentialExport, prompter } = step;
  out.line('');
  out.line(`Verifying credentials and models in ${region}...`);
  const warnings: string[] = [];
  try {
    const session = await openVerifySession({
      env: env.lookup,
      subprocessEnv: env.subprocessEnv,
      homeDir: io.homeDir,
      platform: io.platform,
      region,
      awsAuthRefresh,
      awsCredentialExport,
      stderr: io.stderr,
      warn: (message) => warnings.push(message),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    reportCredentialMismatch(out, session, method, auth);
    out.line(`  credentials: ${session.credentials.detail} (${session.credentials.source})`);
    const identity = await session.identity();
    if (identity) out.line(`  signed in as ${identity.arn} (account ${identity.account})`);
    const listing = await session.listProfiles();
    out.line(
      listing.ids
        ? `  ${listing.ids.length} system inference profiles listed in ${region}`
        : `  could not list inference profiles (${listing.error ?? 'unknown error'}); checking the built-in model list instead`,
    );
    const candidates = probeCandidates({ region, listedProfileIds: listing.ids, mantle, existingPins });
    const results = await probeWithProgress(out, session, candidates, `Checking which models this account can invoke in ${region}`);
    out.lines(results.map(resultLine));
    for (const warning of warnings) out.line(`  warning: ${warning}`);
    if (!results.some((r) => r.status === 'available' && r.candidate.endpoint === 'bedrock')) {
      out.line('  No Claude model is invokable with these credentials in this region.');
      out.line('  Enable model access in the Bedrock console (Model catalog) for this account and region, or choose another region.');
    }
    return { session, results };
  } catch (error) {
    if (!isCredentialFailure(error) && !(isCcBedrockError(error) && ['CUSTOM_HEADERS_INVALID', 'NETWORK', 'TIMEOUT'].includes(error.code))) throw error;
    const described = isCcBedrockError(error) ? error.describe() : String(error);
    out.line(`  verification failed: ${described}`);
    if (target.kind === 'managed') {
      out.line('  (managed settings are verified on each machine when Claude Code starts; continuing)');
      return { session: undefined, results: [] };
    }
    if (!prompter) {
      out.line('Nothing was written.');
      return 'failed';
    }
    const typedSecret = (auth.method === 'api-key' && auth.apiKey !== undefined) || (auth.method === 'access-keys' && auth.keys !== undefined);
    const next = await prompter.select<'retry' | 'continue' | 'stop'>({
      message: 'The credentials could not be verified. What now?',
      choices: [
        ...(typedSecret && isCredentialFailure(error) ? [{ value: 'retry' as const, name: `Enter the ${method === 'api-key' ? 'API key' : 'access keys'} again` }] : []),
        { value: 'continue', name: 'Continue without verified credentials (pins can be typed, kept or removed)' },
        { value: 'stop', name: 'Stop; write nothing' },
      ],
      default: typedSecret && isCredentialFailure(error) ? 'retry' : 'stop',
    });
    if (next === 'retry') return 'retry';
    if (next === 'stop') {
      out.line('Nothing was written.');
      return 'failed';
    }
    return { session: undefined, results: [] };
  }
}

/** Whether the planned credential source is the one the user chose; another source may take precedence. */
export function credentialSourceMatches(method: AuthMethod, auth: AuthAnswer, plan: { kind: string; profile: string | undefined }): boolean {
  switch (method) {
    case 'environment':
      return true;
    case 'api-key':
      return plan.kind === 'bearer-token';
    case 'access-keys':
      return plan.kind === 'env-keys';
    case 'profile':
      // A profile that does not exist was already reported; only a source that wins over it is news here.
      if (['bearer-token', 'credential-export', 'skip-auth', 'env-keys'].includes(plan.kind)) return false;
      return auth.method !== 'profile' || plan.profile === undefined || plan.profile === auth.profile;
  }
}

/** Another source would win over the chosen method (a shell API key, awsCredentialExport): say so. */
function reportCredentialMismatch(out: Output, session: VerifySession, method: AuthMethod, auth: AuthAnswer): void {
  const plan = session.credentials;
  if (credentialSourceMatches(method, auth, plan)) return;
  out.line(`  warning: Claude Code would authenticate with ${plan.source} (${plan.kind}), not the ${method} you chose: that source takes precedence.`);
  out.line(`           remove it (unset the variable in your shell, or delete the setting) to use the ${method}.`);
}

async function probeWithProgress(out: Output, session: VerifySession, candidates: readonly ProbeCandidate[], label: string): Promise<ProbeResult[]> {
  if (candidates.length === 0) {
    out.line(`  ${label}: nothing to check`);
    return [];
  }
  return session.probe(candidates, (done, total) => out.progress(`  ${label}: ${done}/${total}`, done === total));
}

async function choosePin(
  family: PinFamily,
  flag: string | undefined,
  region: string,
  results: readonly ProbeResult[],
  existing: string | undefined,
  rerun: boolean,
  out: Output,
  prompter: Prompter | undefined,
): Promise<Choice<string>> {
  if (flag !== undefined) return pinFromFlag(family, flag, region);
  if (!prompter) return KEEP;
  const question = pinQuestion(family, results, existing, rerun);
  if (question.invokable === 0) out.line(`  No invokable ${family} model was found.`);
  const value = await prompter.select<string>({
    message: `Pin ${family} (${PIN_VARIABLE[family]})`,
    choices: question.choices,
    default: question.default,
  });
  if (value !== TYPE_PIN) return pinChoice(value);
  // Checked as the --opus/--sonnet/--haiku flag is: a model of another family is refused.
  const typed = await prompter.input({
    message: `${family} model ID`,
    validate: (text) => {
      if (text.trim() === '') return 'enter a model ID such as us.anthropic.claude-sonnet-4-6, or an ARN';
      try {
        pinFromFlag(family, text, region);
        return true;
      } catch (error) {
        return isCcBedrockError(error) ? error.message.replace(`--${family} `, '') : String(error);
      }
    },
  });
  return pinFromFlag(family, typed, region);
}

/**
 * Pins given as flags that verification found unavailable. With --yes that is an error (CI must
 * not write a setup that fails on the first request); interactively a warning before the review.
 */
function unavailablePinsFail(options: SetupOptions, results: readonly ProbeResult[], pins: Readonly<Record<PinFamily, Choice<string>>>, out: Output): boolean {
  if (results.length === 0) return false;
  let failed = false;
  for (const family of PIN_FAMILIES) {
    const pin = pins[family];
    if (pin.kind !== 'set' || options[family] === undefined) continue;
    const bare = pin.value.replace(/(\[1m\])+$/i, '');
    const result = results.find((r) => r.candidate.id === bare);
    if (result && (result.status === 'denied' || result.status === 'not-found')) {
      out.line(`${options.yes ? 'error' : '  warning'}: --${family} ${pin.value} is not invokable: ${result.reason ?? result.status}`);
      failed = true;
    }
  }
  if (failed && options.yes) {
    out.line('Nothing was written. Pin a model from the list above, or grant access in the Bedrock console.');
    return true;
  }
  return false;
}

/** The tier already set, through the table's parser; an invalid one is no default (doctor reports it). */
function currentServiceTier(env: EnvLookup): ServiceTier | undefined {
  try {
    return readEnumVar(env, 'ANTHROPIC_BEDROCK_SERVICE_TIER')?.value as ServiceTier | undefined;
  } catch {
    return undefined;
  }
}

async function askServiceTier(prompter: Prompter, current: ServiceTier | undefined): Promise<Choice<ServiceTier>> {
  const NONE = 'none';
  const value = await prompter.select<string>({
    message: 'Bedrock service tier (ANTHROPIC_BEDROCK_SERVICE_TIER)',
    choices: [
      { value: NONE, name: 'None: no header (Bedrock standard tier)' },
      { value: 'default', name: 'default' },
      { value: 'flex', name: 'flex: cheaper, may be slower' },
      { value: 'priority', name: 'priority: faster, costs more' },
    ],
    default: current ?? NONE,
  });
  return value === NONE ? UNSET : setTo(value as ServiceTier);
}

async function askGuardrail(prompter: Prompter, current: GuardrailSetting | undefined): Promise<Choice<GuardrailSetting>> {
  const id = (
    await prompter.input({
      message: 'Guardrail ID or ARN (empty for no guardrail)',
      ...(current ? { default: current.id } : {}),
      validate: (value) => value.trim() === '' || GUARDRAIL_ID.test(value.trim()) || 'a guardrail ID is lowercase letters and digits (or the guardrail ARN)',
    })
  ).trim();
  if (id === '') return UNSET;
  const version = (
    await prompter.input({
      message: 'Guardrail version',
      default: current?.version ?? '1',
      validate: (value) => GUARDRAIL_VERSION.test(value.trim()) || 'a version number such as 1, or DRAFT',
    })
  ).trim();
  return setTo({ id, version });
}

async function reportGuardrail(
  out: Output,
  session: VerifySession | undefined,
  results: readonly ProbeResult[],
  pins: Readonly<Record<PinFamily, Choice<string>>>,
  guardrail: GuardrailSetting,
): Promise<void> {
  if (!session) return;
  const sonnet = pins.sonnet.kind === 'set' ? pins.sonnet.value.replace(/(\[1m\])+$/i, '') : undefined;
  const invokable = results.filter((r) => r.status === 'available' && r.candidate.endpoint === 'bedrock');
  const model = (invokable.find((r) => r.candidate.id === sonnet) ?? invokable[0])?.candidate;
  if (!model) return;
  const result = await session.checkGuardrail(model, guardrail);
  out.line(
    result.status === 'available'
      ? `  guardrail ${guardrail.id} version ${guardrail.version} accepted by ${model.id}`
      : `  warning: guardrail ${guardrail.id} version ${guardrail.version} was not accepted: ${result.reason ?? result.status}`,
  );
}

async function reportMantle(out: Output, session: VerifySession | undefined, region: string): Promise<void> {
  if (!session) return;
  const candidates = probeCandidates({ region, listedProfileIds: [], mantle: true, existingPins: {} }).filter((c) => c.endpoint === 'mantle');
  const results = await probeWithProgress(out, session, candidates, `Checking the Mantle lineup in ${region}`);
  out.lines(results.map(resultLine));
  out.line('  Mantle IDs (anthropic.claude-...) route to Mantle; add them to availableModels to list them in /model.');
}

async function chooseAuthRefresh(
  auth: AuthAnswer,
  sources: CredentialSources,
  current: Sourced<string> | undefined,
  prompter: Prompter | undefined,
  settings: Readonly<Record<string, unknown>>,
  target: SetupTarget,
): Promise<Choice<string>> {
  if (auth.method !== 'profile') return KEEP;
  const profile = sources.profiles.find((p) => p.name === auth.profile);
  if (profile?.kind !== 'profile-sso') return KEEP;
  const command = ssoRefreshCommand(auth.profile);
  // A fleet's SSO profile needs the refresh on every machine: --yes --managed writes what the docs recommend.
  if (!prompter) return target.kind === 'managed' && typeof settings.awsAuthRefresh !== 'string' ? setTo(command) : KEEP;
  const yes = await prompter.confirm({
    message: `Run "${command}" when the SSO session has expired (awsAuthRefresh)? Say no if logins loop behind a TLS-inspecting proxy.`,
    default: current === undefined || current.value === command,
  });
  if (yes) return setTo(command);
  return typeof settings.awsAuthRefresh === 'string' && settings.awsAuthRefresh === command ? UNSET : KEEP;
}

/**
 * What a session will send now, from the one resolver `status`, `doctor` and `-p` use (read back
 * from the files just written), with every part that does not resolve.
 */
async function reportResolution(out: Output, io: CliIO, settingsFlag: string | undefined): Promise<void> {
  const snapshot = await resolveConfiguration(resolutionInputs(io, { settings: settingsFlag }));
  const plan = snapshot.plan;
  if (plan && !snapshot.problems.some((problem) => problem.part === 'provider')) {
    const { main, smallFast } = plan.models;
    out.line(`Resolved: main ${main.wireModelId}, small/fast ${smallFast.wireModelId}, in ${plan.region.value}.`);
  }
  for (const problem of snapshot.problems) out.line(`  warning: ${problem.error.message}${problem.error.remediation ? ` (fix: ${problem.error.remediation})` : ''}`);
}

/** Variables this file sets that a file of higher precedence also sets: written, but not in effect there. */
function warnOverrides(out: Output, loaded: LoadedSettings, target: SetupTarget, names: readonly string[]): void {
  const rank = (scope: string): number => SCOPE_ORDER.indexOf(scope as (typeof SCOPE_ORDER)[number]);
  for (const name of names) {
    const scope = loaded.originScopeOf(`env.${name}`);
    const origin = loaded.originOf(`env.${name}`);
    if (scope === undefined || origin === undefined || origin === target.label) continue;
    if (rank(scope) > rank(target.scope)) {
      out.line(`  warning: env.${name} is also set in ${origin}, which takes precedence over ${target.label}; there, its value stays in effect.`);
    }
  }
}

/**
 * Writes the reviewed content (interactive: `after`, refused if the file changed since it was
 * read, because the diff the user approved no longer holds), or, with --yes, the answers planned
 * again against the file as it is under its lock, so a setup running at the same time (another
 * CI job, a second terminal) keeps its change too. Returns what was written (nothing when the
 * file already had this content).
 */
function write(
  out: Output,
  target: SetupTarget,
  document: SettingsDocument,
  content: { readonly reviewed: Record<string, unknown> } | { readonly answers: SetupAnswers },
  secrets: boolean,
  homeDir: string,
): string[] {
  const common = { label: target.label, indent: document.indent, newFileMode: target.newFileMode, lock: { onWait: (message: string) => out.line(`  ${message}`) } };
  let result;
  let after: Record<string, unknown>;
  if ('answers' in content) {
    const { answers } = content;
    const updated = updateSettingsFile(document.path, (current) => planSetupChanges(answers, envBlockOf(current), current).change, common);
    if (JSON.stringify(updated.before) !== JSON.stringify(document.value)) {
      out.line(`  note: ${target.label} was changed by someone else while setup was running (another setup?); these answers were applied to its current content.`);
    }
    result = updated;
    after = updated.after;
  } else {
    result = writeSettingsAtomic(document.path, content.reviewed, { ...common, expectedText: document.text ?? null });
    after = content.reviewed;
  }
  if (!result.written) {
    out.line(`${target.label} already has this configuration; nothing was written.`);
    return [];
  }
  out.line(`Wrote ${target.label}${result.backupPath ? ` (the previous version is kept as ${target.label}.bak)` : ''}.`);
  if (secrets && (result.mode & 0o077) !== 0) {
    out.line(`  warning: ${target.label} is readable by other users (mode ${result.mode.toString(8)}); run chmod 600 ${document.path}`);
  }
  if (target.kind !== 'managed') {
    out.line('Next: run `cc-bedrock status` to see the resolved route, or start Claude Code. Run setup again any time to change credentials, region or pins.');
    return [target.label];
  }
  const forms = writeManagedForms(document.path, after, homeDir);
  out.line(`Wrote ${forms.written.join(' and ')} (the same settings for MDM).`);
  out.lines(forms.hints);
  return [target.label, ...forms.written];
}
