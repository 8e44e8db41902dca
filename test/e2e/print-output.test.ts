/**
 * `cc-bedrock -p` end to end: the built CLI against the emulator on a loopback port. Output
 * formats, prompt sources, flags, exit codes, warnings on stderr only, the availability cache
 * (warm start sends only the main call) and resolution fed by discovery.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultScenario, type ReceivedRequest } from '../../src/emulator/index.js';
import { cliEmulatorHarness } from '../helpers/cli-emulator.js';
import { PLANTED_ENV_KEYS } from '../helpers/secrets.js';

const { cc, newHome, upstream } = cliEmulatorHarness({ env: PLANTED_ENV_KEYS });

/** Model calls that are not 1-token availability probes. */
function mainCalls(log: readonly ReceivedRequest[]): ReceivedRequest[] {
  return log.filter((entry) => {
    if (entry.operation === 'invoke-stream') return true;
    if (entry.operation !== 'invoke' && entry.operation !== 'mantle-messages') return false;
    return (entry.body as { max_tokens?: number } | undefined)?.max_tokens !== 1;
  });
}

type Body = { messages: { role: string; content: unknown }[]; system?: unknown; max_tokens: number; anthropic_version?: string };
const bodyOf = (entry: ReceivedRequest | undefined): Body => entry?.body as Body;

describe('cc-bedrock -p: output formats', { concurrency: true }, () => {
  test('text streams the reply to stdout and nothing else; stderr stays empty', async () => {
    const run = await cc(['-p', 'say hi']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: say hi\n');
    assert.equal(run.stderr, '');
    const [main, ...rest] = mainCalls(run.log);
    assert.equal(rest.length, 0);
    assert.equal(main?.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream');
    assert.equal(bodyOf(main).anthropic_version, 'bedrock-2023-05-31');
    assert.deepEqual(bodyOf(main).messages, [{ role: 'user', content: 'say hi' }]);
    assert.equal(bodyOf(main).max_tokens, 32000);
  });

  test('json prints one document with the result, model, usage and stop reason; --system, --max-tokens, --model reach the request', async () => {
    const run = await cc(['-p', 'json please', '--output-format', 'json', '--system', 'be brief', '--max-tokens', '64', '--model', 'haiku']);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(doc['type'], 'result');
    assert.equal(doc['is_error'], false);
    assert.equal(doc['result'], 'You said: json please');
    assert.equal(doc['model'], 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.equal(doc['stop_reason'], 'end_turn');
    const usage = doc['usage'] as { input_tokens: number; output_tokens: number };
    assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0, JSON.stringify(usage));
    const main = mainCalls(run.log)[0];
    assert.equal(main?.modelId, 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.equal(bodyOf(main).system, 'be brief');
    assert.equal(bodyOf(main).max_tokens, 64);
  });

  test('stream-json prints one JSON event per line: init, the stream events, the message, the result', async () => {
    const run = await cc(['-p', 'stream me', '--output-format', 'stream-json']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; subtype?: string; event?: { type: string; delta?: { text?: string } }; result?: string });
    assert.equal(lines[0]?.type, 'system');
    assert.equal(lines[0]?.subtype, 'init');
    const events = lines.filter((line) => line.type === 'stream_event').map((line) => line.event!);
    assert.equal(events[0]?.type, 'message_start');
    assert.equal(events.at(-1)?.type, 'message_stop');
    const text = events.filter((event) => event.type === 'content_block_delta').map((event) => event.delta?.text ?? '').join('');
    assert.equal(text, 'You said: stream me');
    assert.equal(lines.at(-2)?.type, 'assistant');
    assert.equal(lines.at(-1)?.type, 'result');
    assert.equal(lines.at(-1)?.result, 'You said: stream me');
  });
});

describe('cc-bedrock -p: prompt sources and flags', { concurrency: true }, () => {
  test('the prompt is read from stdin when none is given', async () => {
    const run = await cc(['-p'], { input: 'from stdin\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: from stdin\n');
  });

  test('piped stdin goes in front of the prompt argument; pinned tiers are not probed', async () => {
    const run = await cc(['-p', 'summarise it'], {
      input: 'line one\nline two\n',
      env: {
        ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(bodyOf(mainCalls(run.log)[0]).messages, [{ role: 'user', content: 'line one\nline two\n\nsummarise it' }]);
    // Claude Code probes only the built-in defaults of unpinned tiers.
    const probes = run.log.filter((entry) => entry.operation === 'invoke').map((entry) => entry.modelId);
    assert.deepEqual(probes, ['us.anthropic.claude-sonnet-4-5-20250929-v1:0']);
  });

  test('usage errors exit 2 before anything is sent', async () => {
    const cases = [
      [['-p', 'hi', '--max-tokens', 'lots'], /--max-tokens "lots" is not a positive whole number\n {2}fix: /],
      [['-p'], /no prompt: the prompt argument is missing and stdin was empty\n {2}fix: /],
      [['-p', 'hi', '--output-format', 'xml'], /xml/],
    ] as const;
    const runs = await Promise.all(cases.map(([args]) => cc([...args], { input: '' })));
    runs.forEach((run, index) => {
      const [args, pattern] = cases[index]!;
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.equal(run.stdout, '');
      assert.equal(run.log.length, 0);
    });
  });

  test('a configuration that selects no Bedrock endpoint is exit 2 naming the switch', async () => {
    const run = await cc(['-p', 'hi'], { env: { CLAUDE_CODE_USE_BEDROCK: undefined } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^cc-bedrock: Neither CLAUDE_CODE_USE_BEDROCK nor CLAUDE_CODE_USE_MANTLE is on[^\n]*\n {2}fix: export CLAUDE_CODE_USE_BEDROCK=1/);
    assert.equal(run.log.length, 0);
  });

  test('plan warnings and the web-search note go to stderr, never into the reply on stdout', async () => {
    const run = await cc(['-p', 'search the web for the latest news'], { env: { CLAUDE_CODE_USE_VERTEX: '1' } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: search the web for the latest news\n');
    assert.match(run.stderr, /^cc-bedrock: warning: CLAUDE_CODE_USE_VERTEX \(shell env\) is also set; Amazon Bedrock takes precedence/m);
    assert.match(run.stderr, /the WebSearch tool is not available on Bedrock/i);
  });
});

describe('cc-bedrock -p: availability discovery and its cache', { concurrency: true }, () => {
  test('cold start discovers like Claude Code; a warm start sends only the main call; --refresh discovers again', async () => {
    const home = newHome();
    const account = await upstream();
    after(() => account.close());
    const cold = await cc(['-p', 'one'], { home, upstream: account });
    assert.equal(cold.code, 0, cold.stderr);
    assert.deepEqual(
      cold.log.map((entry) => `${entry.operation} ${entry.modelId ?? ''}`.trim()).sort(),
      [
        'invoke us.anthropic.claude-haiku-4-5-20251001-v1:0',
        'invoke us.anthropic.claude-opus-4-6-v1',
        'invoke us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'invoke-stream us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'list-inference-profiles',
      ],
    );
    assert.equal(cold.log.at(-1)?.operation, 'invoke-stream');

    const warm = await cc(['-p', 'two'], { home, upstream: account });
    assert.equal(warm.code, 0, warm.stderr);
    assert.deepEqual(warm.log.map((entry) => entry.operation), ['invoke-stream']);

    const refreshed = await cc(['-p', 'three', '--refresh'], { home, upstream: account });
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.equal(refreshed.log.length, 5);
    assert.equal(refreshed.log[0]?.operation, 'list-inference-profiles');
  });

  test('an account whose ListInferenceProfiles lists only global profiles gets the global default', async () => {
    // Models with a global profile in the catalog, with only that profile.
    const models = defaultScenario()
      .models.filter((model) => model.profiles.includes('global'))
      .map((model) => ({ ...model, profiles: ['global'] }));
    const run = await cc(['-p', 'hi'], { scenario: { models } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(mainCalls(run.log)[0]?.path, '/model/global.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream');
  });

  test('a denied default falls back to an earlier Sonnet, and says so on stderr', async () => {
    const run = await cc(['-p', 'hi'], { scenario: { access: { denied: ['anthropic.claude-sonnet-4-5-20250929-v1:0'] } } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: hi\n');
    assert.match(run.stderr, /warning: the default model us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 is not available to this account in us-east-1; this session uses us\.anthropic\.claude-sonnet-4-20250514-v1:0/);
    assert.equal(mainCalls(run.log)[0]?.modelId, 'us.anthropic.claude-sonnet-4-20250514-v1:0');
  });

  test('availableModels is enforced in -p: a blocked --model is exit 2 naming the allowed entries, and nothing is sent for it', async () => {
    const home = newHome({ 'home/.claude/settings.json': { availableModels: ['sonnet', 'haiku'] } });
    const run = await cc(['-p', 'hi', '--model', 'opus'], { home });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Model "opus"[^\n]* is not allowed by availableModels \(~\/\.claude\/settings\.json\); allowed: "sonnet", "haiku"\n {2}fix: /);
    assert.equal(mainCalls(run.log).length, 0);
  });
});
