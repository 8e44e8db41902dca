/**
 * The scenario: everything the emulator pretends about one AWS account (regions, credentials,
 * models and grants, inference profiles, Mantle lineup, guardrails, scripted replies, faults,
 * latency). Documented in docs/emulator.md; the default ships as scenarios/default.json.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CcBedrockError } from '../core/errors.js';
import { resolveLineup, scenarioModelSchema } from './lineup.js';

const regexSource = z.string().refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const rfc3339 = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an RFC 3339 date-time');

// Not strict: SDKs decorate credential objects they were handed (e.g. `$source`), and tests pass
// those objects straight into scenarios.
const credentialSchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
  /** After this instant requests signed with the key get ExpiredTokenException. */
  expiresAt: rfc3339.optional(),
  /** Identity STS reports for this key; defaults to the account identity. */
  arn: z.string().optional(),
  userId: z.string().optional(),
});

const apiKeySchema = z.object({
  token: z.string().min(1),
  expiresAt: rfc3339.optional(),
  /** Region the key is valid in (short-term keys are region-bound); any region when absent. */
  region: z.string().optional(),
});

const applicationProfileSchema = z.strictObject({
  /** 12 lower-case alphanumerics in real accounts; the ARN is built from it. */
  id: z.string().regex(/^[a-zA-Z0-9-]+$/),
  name: z.string().min(1),
  region: z.string(),
  /** What the profile copies from: a base model ID or a system profile ID (`us.anthropic.…`). */
  source: z.string().min(1),
  description: z.string().optional(),
  createdAt: rfc3339.default('2025-06-01T00:00:00Z'),
});

const guardrailSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+$/),
  /** Versions that exist besides DRAFT. */
  versions: z.array(z.string()).default(['1']),
  blockedTerms: z.array(z.string()).default([]),
  blockedInputMessaging: z.string().default('Sorry, the model cannot answer this question.'),
  blockedOutputsMessaging: z.string().default('Sorry, the model cannot answer this question.'),
});

const contentBlockSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({
    type: z.literal('tool_use'),
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()).default({}),
    id: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }),
]);

const replySchema = z.strictObject({
  match: z
    .object({
      /** Substring of the last user message text (case-insensitive). */
      contains: z.string().optional(),
      /** Regular expression tested against the last user message text. */
      regex: regexSource.optional(),
      /** Base model ID, profile ID or Mantle ID the request resolved to. */
      model: z.string().optional(),
      /** Only when the last user turn carries a tool_result (true) or does not (false). */
      toolResult: z.boolean().optional(),
    })
    .default({}),
  content: z.array(contentBlockSchema).min(1),
  stopReason: z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'pause_turn', 'refusal']).optional(),
});

const faultMatchSchema = z.strictObject({
  /** Operation name, see docs/emulator.md (invoke, invoke-stream, count-tokens, mantle-messages, …). */
  operation: z.string().optional(),
  /** Regular expression tested against the raw request path. */
  path: regexSource.optional(),
  /** Model ID as sent, or the base model it resolved to. */
  model: z.string().optional(),
  region: z.string().optional(),
  /** Fire only on the nth matching request (1-based). */
  nth: z.number().int().positive().optional(),
  /** Fire on the first N matching requests only. */
  times: z.number().int().positive().optional(),
});

const faultSchema = z.strictObject({
  match: faultMatchSchema.default({}),
  error: z
    .object({
      /** Defaults to the status the AWS catalogue gives the name (400 for unknown names). */
      status: z.number().int().min(400).max(599).optional(),
      /** AWS error name (x-amzn-ErrorType) or, on Mantle, the Anthropic error type. */
      name: z.string().min(1),
      message: z.string(),
      retryAfterSeconds: z.number().nonnegative().optional(),
      /** Extra body members, e.g. `originalStatusCode` and `resourceName` of ModelErrorException. */
      fields: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  /** In a 200 event stream: an exception frame after this many events. */
  streamException: z
    .object({
      afterEvents: z.number().int().nonnegative(),
      type: z.string().default('modelStreamErrorException'),
      message: z.string().default('The model stream was interrupted.'),
      originalStatusCode: z.number().int().optional(),
    })
    .optional(),
  /** In a 200 stream: drop the connection after this many events. */
  cutStream: z.strictObject({ afterEvents: z.number().int().nonnegative() }).optional(),
  /** In a 200 stream: send nothing for `ms` after this many events (a stall after the first byte), then go on. */
  stallStream: z.strictObject({ afterEvents: z.number().int().nonnegative(), ms: z.number().int().nonnegative() }).optional(),
  /** Extra delay before the response of matching requests. */
  delayMs: z.number().int().nonnegative().optional(),
});

export const scenarioSchema = z.strictObject({
  /** Documentation pointer for editors; ignored. */
  $schema: z.string().optional(),
  name: z.string().default('unnamed'),
  description: z.string().optional(),
  account: z
    .object({
      id: z.string().regex(/^\d{12}$/),
      arn: z.string().optional(),
      userId: z.string().default('AIDAEMULATOREXAMPLE01'),
    })
    .default({ id: '123456789012', userId: 'AIDAEMULATOREXAMPLE01' }),
  defaultRegion: z.string().default('us-east-1'),
  regions: z.array(z.string()).min(1).default(['us-east-1']),
  credentials: z.array(credentialSchema).default([]),
  apiKeys: z.array(apiKeySchema).default([]),
  /** Accept requests without Authorization (a gateway behind CLAUDE_CODE_SKIP_BEDROCK_AUTH). */
  allowUnsigned: z.boolean().default(false),
  /** Accepted distance between x-amz-date and the emulator clock. */
  clockSkewSeconds: z.number().nonnegative().default(300),
  /** The account's lineup: catalog models, optionally narrowed (lineup.ts); absent means the whole catalog. */
  models: z.array(scenarioModelSchema).optional(),
  access: z
    .object({
      /** Base model IDs the account may invoke; `*` for all. */
      granted: z.array(z.string()).default(['*']),
      /** Base model IDs refused with AccessDeniedException (beats `granted`). */
      denied: z.array(z.string()).default([]),
      /** Base model IDs refused with the AWS Marketplace variant of AccessDeniedException. */
      marketplaceDenied: z.array(z.string()).default([]),
      /** Mantle IDs refused with a 403 on Mantle. */
      mantleDenied: z.array(z.string()).default([]),
      /** Reserved service tier available. */
      reservedTier: z.boolean().default(false),
    })
    .default({ granted: ['*'], denied: [], marketplaceDenied: [], mantleDenied: [], reservedTier: false }),
  applicationProfiles: z.array(applicationProfileSchema).default([]),
  guardrails: z.array(guardrailSchema).default([]),
  replies: z.array(replySchema).default([]),
  faults: z.array(faultSchema).default([]),
  latency: z
    .object({ firstByteMs: z.number().int().nonnegative().default(0), perChunkMs: z.number().int().nonnegative().default(0) })
    .default({ firstByteMs: 0, perChunkMs: 0 }),
  limits: z
    .object({
      maxBodyBytes: z.number().int().positive().default(20 * 1024 * 1024),
      /** Text deltas per content block in a stream (the reply is split into about this many). */
      deltasPerBlock: z.number().int().positive().default(4),
    })
    .default({ maxBodyBytes: 20 * 1024 * 1024, deltasPerBlock: 4 }),
  /** Creation time reported for system profiles and foundation models. */
  createdAt: rfc3339.default('2024-09-30T00:00:00Z'),
}).transform((scenario, context) => {
  const { models, issues } = resolveLineup(scenario.models, scenario.regions);
  for (const issue of issues) context.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
  return { ...scenario, models };
});

/** A complete emulator scenario: region, granted models, keys, replies and faults (scenarios/default.json is the default). */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in JSON, before defaults are filled in (see `scenarioWith`). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type { ScenarioModel } from './lineup.js';
export type ScenarioCredential = Scenario['credentials'][number];
export type ScenarioFault = Scenario['faults'][number];
export type ScenarioReply = Scenario['replies'][number];
export type ScenarioGuardrail = Scenario['guardrails'][number];
export type ScenarioApplicationProfile = Scenario['applicationProfiles'][number];
export type ReplyBlock = ScenarioReply['content'][number];

/** Validates a scenario object; the error names the offending key path. */
export function parseScenario(input: unknown, source = 'scenario', baseDir?: string): Scenario {
  const result = scenarioSchema.safeParse(withBase(input, baseDir, []));
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `${source} is not a valid emulator scenario: ${issues}`, {
      remediation: 'compare it with scenarios/default.json and the format in docs/emulator.md',
    });
  }
  return result.data;
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CcBedrockError('SETTINGS_JSON_INVALID', `cannot read scenario file ${path}`, {
      cause,
      remediation: 'pass an existing file to --scenario, or omit it to use the bundled default',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new CcBedrockError('SETTINGS_JSON_INVALID', `scenario file ${path} is not valid JSON: ${(cause as Error).message}`, {
      cause,
      remediation: 'fix the JSON syntax (scenarios/default.json is a working example)',
    });
  }
}

/**
 * Applies `"extends"`: `"default"` (the bundled scenario) or a path relative to the extending
 * file. The extending file's top-level keys replace the base's, so a scenario only states what
 * differs from a healthy account.
 */
function withBase(input: unknown, baseDir: string | undefined, seen: readonly string[]): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const { extends: parent, ...own } = input as Record<string, unknown>;
  if (parent === undefined) return input;
  if (typeof parent !== 'string') {
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', 'scenario key "extends" must be "default" or a path to a scenario file', {
      remediation: 'write "extends": "default" or "extends": "./base.json"',
    });
  }
  if (parent !== 'default' && !isAbsolute(parent) && baseDir === undefined) {
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `scenario "extends": "${parent}" is relative, but the scenario is not a file`, {
      remediation: 'use "extends": "default" or an absolute path',
    });
  }
  const basePath = parent === 'default' ? defaultScenarioPath() : isAbsolute(parent) ? parent : resolvePath(baseDir ?? '/', parent);
  if (seen.includes(basePath)) {
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `scenario "extends" loops through ${basePath}`, {
      remediation: 'make the chain of "extends" end at "default" or a file without "extends"',
    });
  }
  const base = withBase(readJsonFile(basePath), dirname(basePath), [...seen, basePath]) as Record<string, unknown>;
  return { ...base, ...own };
}

/** Reads and validates a scenario JSON file (following `"extends"`). */
export function loadScenarioFile(path: string): Scenario {
  const absolute = resolvePath(path);
  return parseScenario(withBase(readJsonFile(absolute), dirname(absolute), [absolute]), `scenario file ${path}`, dirname(absolute));
}

/** The package root: the nearest directory above this module that holds package.json. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new CcBedrockError('INTERNAL', `no package.json above ${from}`);
    dir = parent;
  }
}

export function defaultScenarioPath(): string {
  return join(packageRoot(), 'scenarios', 'default.json');
}

let cachedDefault: Scenario | undefined;

/** The bundled default scenario (scenarios/default.json), parsed once. */
export function defaultScenario(): Scenario {
  cachedDefault ??= loadScenarioFile(defaultScenarioPath());
  return structuredClone(cachedDefault);
}

/** A scenario object, a file path, or nothing (the bundled default). */
export function resolveScenario(input: Scenario | ScenarioInput | string | undefined): Scenario {
  if (input === undefined) return defaultScenario();
  if (typeof input === 'string') return loadScenarioFile(input);
  return parseScenario(input);
}

/**
 * Builds a scenario from the default with some top-level keys replaced: tests describe only
 * what differs ("this model is denied") and keep the default's models and credentials.
 */
export function scenarioWith(overrides: Partial<ScenarioInput>): Scenario {
  return parseScenario({ ...defaultScenario(), ...overrides });
}
