import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR_KEYS, ScriptedAuthProvider } from '../../test/helpers/test-plan.js';
import type { AuthProvider } from '../core/auth-types.js';
import { CcBedrockError } from '../core/errors.js';
import { CredentialHealth, RECHECK_MS, clientCredentialError, isOwnCredentialFailure } from './credential-health.js';
import { isFinal } from '../bedrock/retry-policy.js';

const expired = new CcBedrockError('CREDENTIALS_EXPIRED', 'AWS rejected the credentials from profile "prod-gateway" (~/.aws/credentials) as expired', {
  remediation: 'run `aws sso login --profile prod-gateway`',
});

describe('the gateway host credentials as a health fact', () => {
  test("the gateway key is the caller's problem; the host's own credentials are not, and the client never sees their source", () => {
    assert.equal(isOwnCredentialFailure(new CcBedrockError('CREDENTIALS_INVALID', 'missing or invalid gateway key', { details: { anthropicErrorType: 'authentication_error' } })), false);
    assert.equal(isOwnCredentialFailure(expired), true);
    const client = clientCredentialError(expired);
    assert.equal(isFinal(client), true);
    assert.doesNotMatch(`${client.message} ${client.remediation}`, /prod-gateway|\.aws|profile/);
  });

  test('unhealthy once broken; after the recheck interval healthy again when the provider resolves, still unhealthy when it throws', async () => {
    let now = 1_000;
    const health = new CredentialHealth([new ScriptedAuthProvider([EMULATOR_KEYS])], () => now);
    assert.equal(await health.healthy(), true);
    health.markBroken(expired);
    assert.equal(await health.healthy(), false);
    now += RECHECK_MS + 1;
    assert.equal(await health.healthy(), true);

    const failing: AuthProvider = { getAuth: () => Promise.reject(expired), recoverFromAuthFailure: async () => false, markWorking() {} };
    const down = new CredentialHealth([failing], () => now);
    down.markBroken(expired);
    now += RECHECK_MS + 1;
    assert.equal(await down.healthy(), false);
    assert.equal(down.broken, 'CREDENTIALS_EXPIRED');
    down.markWorking();
    assert.equal(await down.healthy(), true);
  });
});
