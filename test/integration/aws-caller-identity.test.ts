import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startFakeSts } from '../helpers/fake-sts.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { CcBedrockError } from '../../src/core/errors.js';
import type { EnvLookup } from '../../src/core/route-plan.js';
import { getCallerIdentity } from '../../src/aws/caller-identity.js';
import type { RequestAuth } from '../../src/core/auth-types.js';

const env = (values: Record<string, string>): EnvLookup => ({
  get: (name) => (values[name] ? { value: values[name] as string, source: 'shell env' } : undefined),
});

const auth = (accessKeyId: string): RequestAuth => ({
  kind: 'sigv4',
  credentials: { accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken },
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<CcBedrockError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CcBedrockError, String(error));
    assert.equal(error.code, code, error.describe());
    assertNoSecrets(`${error.describe()} ${JSON.stringify(error.toJSON())}`);
    return error;
  }
  assert.fail(`expected ${code}`);
}

test('GetCallerIdentity through AWS_ENDPOINT_URL_STS, signed with the given credentials and sent through the injected fetch', async () => {
  const sts = await startFakeSts([PLANTED.accessKeyId]);
  try {
    let fetched = 0;
    const countingFetch: typeof fetch = (input, init) => {
      fetched++;
      return fetch(input, init);
    };
    const identity = await getCallerIdentity(auth(PLANTED.accessKeyId), { env: env({ AWS_ENDPOINT_URL_STS: sts.url }), region: 'eu-west-1', fetch: countingFetch });
    assert.deepEqual(identity, { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/tester', userId: 'AIDATESTER' });
    assert.deepEqual(sts.calls, [PLANTED.accessKeyId]);
    assert.equal(fetched, 1);
  } finally {
    await sts.close();
  }
});

test('AWS_ENDPOINT_URL is the fallback; expired and invalid credentials map to their codes', async () => {
  const sts = await startFakeSts([]);
  try {
    const options = { env: env({ AWS_ENDPOINT_URL: sts.url }), region: 'us-east-1' };
    const expired = await expectCode(getCallerIdentity(auth('AKIAEXPIREDKEY000001'), options), 'CREDENTIALS_EXPIRED');
    assert.match(expired.message, new RegExp(`STS at ${sts.url} rejected the credentials as expired`));
    sts.rejectAs = 'InvalidClientTokenId';
    const invalid = await expectCode(getCallerIdentity(auth('AKIAINVALIDKEY000001'), options), 'CREDENTIALS_INVALID');
    assert.match(invalid.message, /InvalidClientTokenId/);
    assert.equal(invalid.status, 403);
  } finally {
    await sts.close();
  }
});

test('a silent STS is a bounded TIMEOUT; a Bedrock API key has no STS identity', async () => {
  const sockets = new Set<Socket>();
  const silent = createServer(() => undefined);
  silent.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    await expectCode(getCallerIdentity(auth(PLANTED.accessKeyId), { env: env({ AWS_ENDPOINT_URL_STS: url }), region: 'us-east-1', timeoutMs: 200 }), 'TIMEOUT');
    await expectCode(getCallerIdentity({ kind: 'bearer', token: PLANTED.bearerToken }, { env: env({}), region: 'us-east-1' }), 'USAGE');
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
