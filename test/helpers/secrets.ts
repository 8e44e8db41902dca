import assert from 'node:assert/strict';

/**
 * Planted secrets: tests configure these as credentials, then assert that no output, log or
 * error ever contains them. Each is distinctive so a substring match cannot be a coincidence.
 * The access key ID is not secret; it may appear masked (first and last four characters).
 */
export const PLANTED = {
  accessKeyId: 'AKIAPLANTEDKEY000001',
  secretAccessKey: 'plantedSecretKey/DO-NOT-PRINT/0123456789abcdef',
  sessionToken: 'plantedSessionToken-DO-NOT-PRINT-FQoGZXIvYXdzEJr',
  bearerToken: 'ABSKplantedBearerToken-DO-NOT-PRINT-0123456789',
  gatewayKey: 'gwkey-planted-DO-NOT-PRINT-0123456789',
} as const;

/** The planted keys with their session token, as a credential of an emulated account (a scenario's `credentials` entry). */
export const PLANTED_CREDENTIAL = { accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken };

/** The planted keys with their session token, as the AWS environment variables. */
export const PLANTED_ENV_KEYS = { AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey, AWS_SESSION_TOKEN: PLANTED.sessionToken };

/** The planted keys with their session token, as the [default] profile of ~/.aws/credentials. */
export const PLANTED_DEFAULT_PROFILE = `[default]\naws_access_key_id = ${PLANTED.accessKeyId}\naws_secret_access_key = ${PLANTED.secretAccessKey}\naws_session_token = ${PLANTED.sessionToken}\n`;

const SECRET_VALUES = [PLANTED.secretAccessKey, PLANTED.sessionToken, PLANTED.bearerToken, PLANTED.gatewayKey];

/** Fails if any planted secret (or a long fragment of one) appears in the text. */
export function assertNoSecrets(text: string, where = 'output'): void {
  for (const secret of SECRET_VALUES) {
    assert.ok(!text.includes(secret), `${where} leaked a planted secret`);
    // a fragment long enough to be useful to an attacker must not appear either
    const fragment = secret.slice(8, 28);
    assert.ok(!text.includes(fragment), `${where} leaked part of a planted secret`);
  }
}
