import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { CcBedrockError } from '../../src/core/errors.js';
import type { EnvLookup } from '../../src/core/route-plan.js';
import { getCallerIdentity } from '../../src/aws/caller-identity.js';
import { createEmulator, scenarioWith } from '../../src/emulator/index.js';

const env = (values: Record<string, string>): EnvLookup => ({
  get: (name) => (values[name] ? { value: values[name] as string, source: 'shell env' } : undefined),
});

const ALICE = { accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken };
const EXPIRED = { accessKeyId: 'AKIAEXPIREDKEY000001', secretAccessKey: 'expired-secret-value', expiresAt: '2001-01-01T00:00:00Z' };

function emulator() {
  return createEmulator({
    scenario: scenarioWith({ credentials: [{ ...ALICE, arn: 'arn:aws:iam::111122223333:user/alice', userId: 'AIDAALICE' }, EXPIRED] }),
  });
}

test('the emulator verifies our SigV4 signature on GetCallerIdentity, over a loopback port', async () => {
  const emu = emulator();
  const server = await emu.listen({ host: '127.0.0.1', port: 0 });
  try {
    const identity = await getCallerIdentity({ kind: 'sigv4', credentials: ALICE }, { env: env({ AWS_ENDPOINT_URL_STS: server.url }), region: 'us-east-1' });
    assert.deepEqual(identity, { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/alice', userId: 'AIDAALICE' });

    const wrongSecret = { ...ALICE, secretAccessKey: 'not-the-secret' };
    await assert.rejects(
      getCallerIdentity({ kind: 'sigv4', credentials: wrongSecret }, { env: env({ AWS_ENDPOINT_URL_STS: server.url }), region: 'us-east-1' }),
      (error: unknown) => error instanceof CcBedrockError && error.code === 'CREDENTIALS_INVALID',
    );
  } finally {
    await emu.close();
  }
});

test('an expired key is CREDENTIALS_EXPIRED, also through the in-process fetch', async () => {
  const emu = emulator();
  try {
    const error = await getCallerIdentity(
      { kind: 'sigv4', credentials: EXPIRED },
      { env: env({ AWS_ENDPOINT_URL_STS: 'http://sts.emulator.test' }), region: 'us-east-1', fetch: emu.fetch as typeof fetch },
    ).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CcBedrockError);
    assert.equal(error.code, 'CREDENTIALS_EXPIRED', error.describe());
    assertNoSecrets(error.describe());
  } finally {
    await emu.close();
  }
});
