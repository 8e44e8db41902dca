import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CcBedrockError } from '../core/errors.js';
import { isExpiryCause, refreshTime } from './credentials.js';

const MINUTE = 60_000;

test('refreshTime: five minutes before expiry, an hour without one, half the life when nearly expired', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const creds = (expiresInMs?: number) => ({
    accessKeyId: 'AKIA',
    secretAccessKey: 's',
    ...(expiresInMs === undefined ? {} : { expiration: new Date(now + expiresInMs) }),
  });
  assert.equal(refreshTime(creds(), now), now + 60 * MINUTE);
  assert.equal(refreshTime(creds(60 * MINUTE), now), now + 55 * MINUTE);
  assert.equal(refreshTime(creds(4 * MINUTE), now), now + 2 * MINUTE);
  assert.equal(refreshTime(creds(-MINUTE), now), now);
});

test('isExpiryCause recognises AWS expiry errors, also wrapped, and nothing else', () => {
  assert.ok(isExpiryCause({ name: 'ExpiredTokenException', message: 'x' }));
  assert.ok(isExpiryCause({ Code: 'ExpiredToken' }));
  assert.ok(isExpiryCause(new Error('The security token included in the request is expired')));
  assert.ok(isExpiryCause(new CcBedrockError('CREDENTIALS_EXPIRED', 'x')));
  assert.ok(isExpiryCause(new Error('outer', { cause: { name: 'ExpiredTokenException' } })));
  assert.ok(!isExpiryCause({ name: 'AccessDeniedException', message: 'not authorized' }));
  assert.ok(!isExpiryCause(new Error('The security token included in the request is invalid.')));
  assert.ok(!isExpiryCause(undefined));
});
