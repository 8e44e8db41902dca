/**
 * `cc-bedrock -p` when Bedrock answers ExpiredTokenException and re-reading the credentials gives
 * the same keys. Claude Code sends once more and succeeds when the rejection was passing (a
 * session just issued, a clock at the edge); so does cc-bedrock. Keys that really ran out are
 * rejected again, and the run then ends at once naming the credential source and the fix.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReceivedRequest } from '../../src/emulator/index.js';
import { cliEmulatorHarness } from '../helpers/cli-emulator.js';
import { PLANTED_ENV_KEYS } from '../helpers/secrets.js';

const { cc } = cliEmulatorHarness({ env: PLANTED_ENV_KEYS });
const SONNET_45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const streams = (log: readonly ReceivedRequest[]) => log.filter((entry) => entry.operation === 'invoke-stream');

describe('cc-bedrock -p: ExpiredTokenException with credentials that re-read unchanged', { concurrency: true }, () => {
  test('one passing ExpiredToken: the same keys are sent once more and the turn succeeds', async () => {
    const run = await cc(['-p', 'hi', '--model', SONNET_45], {
      scenario: { faults: [{ match: { operation: 'invoke-stream', times: 1 }, error: { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' } }] },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.notEqual(run.stdout.trim(), '');
    assert.deepEqual(streams(run.log).map((entry) => entry.errorType ?? entry.status), ['ExpiredTokenException', 200]);
  });

  test('keys that really ran out: one resend, then the credential source and the fix (exit 2)', async () => {
    const run = await cc(['-p', 'hi', '--model', SONNET_45], {
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, error: { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' } }] },
    });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^cc-bedrock: AWS rejected the credentials from [^\n]*AWS_ACCESS_KEY_ID[^\n]* as expired, and re-reading them gave nothing newer/);
    assert.match(run.stderr, /\n {2}fix: export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN/);
    assert.deepEqual(streams(run.log).map((entry) => entry.errorType ?? entry.status), ['ExpiredTokenException', 'ExpiredTokenException']);
  });
});
