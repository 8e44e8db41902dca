/**
 * `cc-bedrock -p` never waits in silence: while a stream gets no byte it says on stderr what it
 * waits for and until when, and a dead call ends with a clean error (exit 1) at the configured
 * deadline, sent once. Short deadlines and notice intervals keep the test fast.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReceivedRequest } from '../../src/emulator/index.js';
import { cliEmulatorHarness } from '../helpers/cli-emulator.js';
import { PLANTED_ENV_KEYS } from '../helpers/secrets.js';

const { cc } = cliEmulatorHarness({ env: { ...PLANTED_ENV_KEYS, CC_BEDROCK_WAIT_NOTICE_MS: '250' } });
const streamCalls = (log: readonly ReceivedRequest[]) => log.filter((entry) => entry.operation === 'invoke-stream');
/** A generous bound on "this ends, it does not hang". */
const ENDS_WITHIN_MS = 30_000;

describe('cc-bedrock -p: stalls end cleanly, with a notice while waiting', { concurrency: true }, () => {
  test('an endpoint that never answers: waiting notices, then a TIMEOUT error at CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS, not retried', async () => {
    const started = Date.now();
    const run = await cc(['-p', 'hi'], {
      env: { CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: '1200' },
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, delayMs: 8_000 }] },
    });
    assert.ok(Date.now() - started < ENDS_WITHIN_MS);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /cc-bedrock: waiting for the first byte from 127\.0\.0\.1:\d+ \(model [^)]+\), \d+ ms so far, giving up at 1\.2 s\n/);
    assert.match(run.stderr, /cc-bedrock: no response from model \S+ in us-east-1 \(127\.0\.0\.1:\d+\) within 1\.2 s; the request was given up/);
    assert.match(run.stderr, /\n {2}fix: retry; [^\n]*CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS/);
    assert.equal(streamCalls(run.log).length, 1, 'a silent upstream is not asked again');
  });

  test('a stream that stalls after its first bytes: notices, then STREAM_INTERRUPTED at CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS', async () => {
    const started = Date.now();
    const run = await cc(['-p', 'hi'], {
      env: { CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS: '1200' },
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, stallStream: { afterEvents: 3, ms: 8_000 } }] },
    });
    assert.ok(Date.now() - started < ENDS_WITHIN_MS);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /cc-bedrock: waiting for the stream from 127\.0\.0\.1:\d+ \(model [^)]+\) to go on, nothing for \d+ ms so far, giving up at 1\.2 s\n/);
    assert.match(run.stderr, /cc-bedrock: the stream for model \S+ in us-east-1 \(127\.0\.0\.1:\d+\) sent nothing for 1\.2 s and was abandoned/);
    assert.equal(streamCalls(run.log).length, 1);
  });
});
