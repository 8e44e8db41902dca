/**
 * `serve` (which refuses to listen without a gateway key off loopback) and `emulate` (which warns
 * when it listens off loopback) decide "loopback" the same way. They used to disagree: serve took
 * all of 127.0.0.0/8 and `[::1]`, emulate only 127.0.0.1, localhost and ::1, so `emulate --host
 * 127.0.0.2` warned about a bind that `serve` considered private. Decided without binding: tests
 * bind 127.0.0.1 only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayKey } from '../../src/cli/commands/serve.js';
import { nonLoopbackWarning } from '../../src/cli/commands/emulate.js';
import { settingsOverShellLookup } from '../helpers/env-lookup.js';

function serveRefuses(host: string): boolean {
  try {
    gatewayKey({}, settingsOverShellLookup({}), host);
    return false;
  } catch {
    return true;
  }
}

test('127.0.0.2, [::1], ::1 and localhost are loopback to both serve and emulate; other binds to neither', () => {
  for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost']) {
    assert.equal(serveRefuses(host), false, `serve --host ${host}`);
    assert.equal(nonLoopbackWarning(host), undefined, `emulate --host ${host}`);
  }
  for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
    assert.equal(serveRefuses(host), true, `serve --host ${host}`);
    assert.match(nonLoopbackWarning(host) ?? '', /not loopback/, `emulate --host ${host}`);
  }
});
