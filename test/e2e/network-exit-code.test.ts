/**
 * One exit code for a network failure, whichever path reports it: a command that catches it
 * itself (`-p`, `chat`: exitCodeFor) and the CLI's last-resort catch in main (exitCodeForThrown)
 * both give 1, the code for "the API or the way to it failed". main used to give 2 (usage) for
 * any CcBedrockError without an HTTP status, so a NETWORK error thrown past a command exited 2.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { CcBedrockError } from '../../src/core/errors.js';
import { ExitCode, exitCodeFor, exitCodeForThrown } from '../../src/cli/io.js';
import { hermeticEnv, runCli } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('a NETWORK error exits 1 from the command catch, from main, and from the spawned -p', async () => {
  const network = new CcBedrockError('NETWORK', 'could not reach Bedrock', { remediation: 'check the network' });
  assert.equal(exitCodeFor(network), ExitCode.apiError);
  assert.equal(exitCodeForThrown(network), ExitCode.apiError, 'main maps a thrown NETWORK error like the commands do');
  assert.equal(exitCodeForThrown(new CcBedrockError('TIMEOUT', 'no answer')), ExitCode.apiError);
  assert.equal(exitCodeForThrown(new CcBedrockError('SETTINGS_TYPE_INVALID', 'bad value')), ExitCode.usage);

  const port = await closedPort();
  const home = homes.create();
  const run = await runCli(['-p', 'hi'], {
    cwd: home.cwd,
    env: {
      ...hermeticEnv(home),
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ANTHROPIC_BEDROCK_BASE_URL: `http://127.0.0.1:${port}`,
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      CLAUDE_CODE_MAX_RETRIES: '0',
    },
  });
  assert.match(run.stderr, /could not reach/);
  assert.equal(run.code, exitCodeForThrown(network), run.stderr);
});
