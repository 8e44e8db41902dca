/**
 * A bad value in any numeric variable meets the same policy wherever it is read: through the
 * command or module that uses it (not only the reader), an `error` variable stops with one
 * SETTINGS_TYPE_INVALID shape naming the variable, where it came from, the value and a valid fix;
 * a `warn` variable (Claude Code's own leniency) keeps the default and says so in the same words.
 * Before the table had parsers the same mistake read "not a whole number" (serve), "not a
 * non-negative number" (timing), "not a positive whole number" (session), or nothing at all
 * (the credential chain timeout).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createAuthProvider } from '../../src/aws/credentials.js';
import { wireTimingFromEnv } from '../../src/bedrock/timing.js';
import { clientOptionsFromEnv } from '../../src/client/options-from-env.js';
import { run as runServe } from '../../src/cli/commands/serve.js';
import { drainTimeoutMs } from '../../src/cli/finish-output.js';
import { defaultMaxTokens } from '../../src/cli/session.js';
import type { CliIO } from '../../src/core/command-io.js';
import { CcBedrockError } from '../../src/core/errors.js';
import type { EnvLookup, ResolvedModel } from '../../src/core/route-plan.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../src/gateway/index.js';
import { ENV_VARS } from '../../src/settings/env-vars.js';
import { numberPhrase } from '../../src/settings/read-var.js';
import { SETTINGS_ENV_SOURCE, settingsOverShellLookup } from '../helpers/env-lookup.js';
import { hermeticEnv } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

const BAD = 'soon';
const BEDROCK = { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** `serve` up to the point where it reads its own variables (it throws before it listens). */
async function serveWith(env: Record<string, string>): Promise<void> {
  const home = homes.create();
  const io: CliIO = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: { ...hermeticEnv(home), ...BEDROCK, ...env }, cwd: home.cwd, homeDir: home.home, platform: 'linux', interactive: false };
  const stop = new AbortController();
  stop.abort();
  await runServe({ host: '127.0.0.1', port: '0', signal: stop.signal }, io);
}

const model = { catalogKey: 'claude-sonnet-4-5' } as ResolvedModel;

/** Each numeric variable read by src/, through the code that reads it; settings `env` as the source. */
const CONSUMERS: Record<string, (env: EnvLookup, warn: (message: string) => void) => unknown | Promise<unknown>> = {
  API_TIMEOUT_MS: (env) => clientOptionsFromEnv(env),
  CLAUDE_CODE_MAX_RETRIES: (env) => clientOptionsFromEnv(env),
  CLAUDE_STREAM_IDLE_TIMEOUT_MS: (env) => wireTimingFromEnv(env),
  CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS: (env) => wireTimingFromEnv({ get: (name) => (name === 'CLAUDE_ENABLE_BYTE_WATCHDOG_BEDROCK' ? { value: '1', source: 'shell env' } : env.get(name)) }),
  CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: (env) => wireTimingFromEnv(env),
  CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS: (env) => wireTimingFromEnv(env),
  CC_BEDROCK_WAIT_NOTICE_MS: (env) => wireTimingFromEnv(env),
  CLAUDE_CODE_MAX_OUTPUT_TOKENS: (env) => defaultMaxTokens({ resolution: { envLookup: env } } as Parameters<typeof defaultMaxTokens>[0], model),
  CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS: (env, warn) =>
    createAuthProvider({ plan: { kind: 'skip-auth' } as never, env, subprocessEnv: {}, homeDir: '/nonexistent', region: 'us-east-1', stderr: new PassThrough(), warn }),
  CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS: (env, warn) => drainTimeoutMs({ CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS: env.get('CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS')?.value }, warn),
  CC_BEDROCK_GATEWAY_MAX_RETRIES: (env) => serveWith({ CC_BEDROCK_GATEWAY_MAX_RETRIES: env.get('CC_BEDROCK_GATEWAY_MAX_RETRIES')?.value ?? '' }),
  CC_BEDROCK_GATEWAY_DRAIN_TIMEOUT_MS: (env) => serveWith({ CC_BEDROCK_GATEWAY_DRAIN_TIMEOUT_MS: env.get('CC_BEDROCK_GATEWAY_DRAIN_TIMEOUT_MS')?.value ?? '' }),
  CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES: (env) => serveWith({ CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES: env.get('CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES')?.value ?? '' }),
};

/** Variables the table documents for Claude Code that cc-bedrock itself never reads. */
const NOT_READ_HERE = new Set(['CLAUDE_CODE_MAX_CONTEXT_TOKENS', 'CLAUDE_CODE_AUTO_COMPACT_WINDOW', 'MAX_THINKING_TOKENS']);

const numeric = ENV_VARS.filter((entry) => entry.parse.kind === 'integer' || entry.parse.kind === 'duration');

test('every numeric variable of the table has its consumer listed here', () => {
  assert.deepEqual(numeric.map((entry) => entry.name).filter((name) => !CONSUMERS[name] && !NOT_READ_HERE.has(name)), []);
});

for (const entry of numeric.filter((e) => CONSUMERS[e.name])) {
  test(`${entry.name}="${BAD}" gets the table's one answer (${entry.badValue})`, async () => {
    const phrase = entry.parse.kind === 'duration' || entry.parse.kind === 'integer' ? numberPhrase(entry.parse) : '';
    const example = entry.parse.kind === 'duration' || entry.parse.kind === 'integer' ? entry.parse.example : 0;
    // serve reads the process-style env (shell); the others get the settings env block as the source
    const viaServe = entry.name.startsWith('CC_BEDROCK_GATEWAY_');
    const source = viaServe ? 'shell env' : entry.name === 'CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS' ? 'shell env' : SETTINGS_ENV_SOURCE;
    const shape = new RegExp(`^(cc-bedrock: warning: )?${entry.name} \\(${source.replace(/[.*+?^${}()|[\]\\/~]/g, '\\$&')}\\) is "${BAD}", which is not ${phrase}`);
    const fix = `set ${entry.name} to ${phrase} such as ${example}, or unset it`;
    const warnings: string[] = [];
    const env = settingsOverShellLookup({}, { [entry.name]: BAD });
    if (entry.badValue === 'error') {
      await assert.rejects(
        async () => CONSUMERS[entry.name]?.(env, (message) => warnings.push(message)),
        (error: unknown) => {
          assert.ok(error instanceof CcBedrockError, String(error));
          assert.equal(error.code, 'SETTINGS_TYPE_INVALID');
          assert.match(error.message, shape);
          assert.equal(error.remediation, fix);
          return true;
        },
      );
    } else {
      await CONSUMERS[entry.name]?.(env, (message) => warnings.push(message));
      assert.equal(warnings.length, 1, `one warning for ${entry.name}`);
      assert.match(warnings[0] ?? '', shape);
      assert.ok(warnings[0]?.includes(fix), warnings[0]);
    }
  });
}

test("the body-memory floor in the table is the gateway's largest request body", () => {
  const entry = ENV_VARS.find((e) => e.name === 'CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES');
  assert.equal(entry?.parse.kind === 'integer' ? entry.parse.min : undefined, DEFAULT_MAX_BODY_BYTES);
});
