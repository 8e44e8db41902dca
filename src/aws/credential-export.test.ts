import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExportedCredentials } from './credential-export.js';

test('nested aws sts shape with Expiration', () => {
  const parsed = parseExportedCredentials(
    JSON.stringify({ Credentials: { AccessKeyId: 'AKIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: '2030-01-01T00:00:00Z' } }),
  );
  assert.deepEqual(parsed, {
    ok: true,
    credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: 't', expiration: new Date('2030-01-01T00:00:00Z') },
  });
});

test('flat credential_process shape, Version tolerated, no session token, unparsable Expiration ignored', () => {
  const parsed = parseExportedCredentials(`\n${JSON.stringify({ Version: 1, AccessKeyId: 'AKIA2', SecretAccessKey: 's', Expiration: 'tomorrow' })}\n`);
  assert.deepEqual(parsed, { ok: true, credentials: { accessKeyId: 'AKIA2', secretAccessKey: 's' } });
});

test('problems are described by shape, never by quoting the output', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /printed nothing/],
    ['secret-value-123 not json', /not JSON/],
    ['[1,2]', /not an object/],
    [JSON.stringify({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: '' } }), /without string AccessKeyId and SecretAccessKey/],
    [JSON.stringify({ AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 42 }), /SessionToken that is not a string/],
  ];
  for (const [stdout, problem] of cases) {
    const parsed = parseExportedCredentials(stdout);
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.match(parsed.problem, problem);
      assert.ok(!parsed.problem.includes('secret-value-123'));
    }
  }
});
