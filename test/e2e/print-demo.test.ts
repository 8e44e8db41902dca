/**
 * `cc-bedrock demo` (`npm run demo`): on a machine with no AWS configuration at all it starts the
 * emulator, shows status for the example configuration, streams a reply through the whole stack,
 * and shows that the warm start sends only the main call.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

test('demo: status of the example configuration, a streamed reply, then a warm start with one request (exit 0)', async () => {
  // An empty HOME and no AWS variables: the demo must not need (or touch) the caller's setup.
  const home = homes.create();
  const run = await runCli(['demo'], { cwd: home.cwd, env: { HOME: home.home } });
  assert.equal(run.code, 0, run.stderr);
  const out = run.stdout;
  assert.match(out, /^Emulator {6}http:\/\/127\.0\.0\.1:\d+ /m);
  assert.match(out, /\$ cc-bedrock status\nProvider {7}Amazon Bedrock\n {15}from CLAUDE_CODE_USE_BEDROCK \(~\/\.claude\/settings\.json env\)/);
  assert.match(out, /Auth {11}AWS profile with credential_process/);
  assert.match(out, /X-Amzn-Bedrock-GuardrailIdentifier: demoguardrail/);
  const replies = out.match(/^You said: Hello from the cc-bedrock demo: which route did this message take\?$/gm) ?? [];
  assert.equal(replies.length, 2);
  assert.match(out, /Requests \(cold start[^\n]*\n {2}GET \/inference-profiles\?type=SYSTEM_DEFINED {2}→ 200/);
  assert.match(out, /POST \/model\/us\.anthropic\.claude-sonnet-4-5-20250929-v1:0\/invoke-with-response-stream {2}→ 200 {2}\[invoke-stream; SigV4 bedrock, guardrail demoguardrail\]/);
  assert.match(out, /Requests \(warm start: 1 request before the first token instead of \d+\):\n {2}POST \/model\/[^\n]*invoke-with-response-stream {2}→ 200/);
  assert.doesNotMatch(run.stderr, /warning|error/i);
});
