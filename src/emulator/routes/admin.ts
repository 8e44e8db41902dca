/**
 * The back door under `/_emulator/` (a prefix real AWS never serves): health, the request log
 * (reading it has no side effects), reset, and scenario loading. Admin calls are not logged.
 */
import { CcBedrockError } from '../../core/errors.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../http-types.js';
import { receivedRequestJson, type EmulatorStateImpl } from '../state.js';

export const ADMIN_PREFIX = '/_emulator/';

function logSize(state: EmulatorStateImpl): { logBytes: number; logBudgetBytes: number; logBodyBytes: number; evicted: number } {
  return { logBytes: state.logBytes, logBudgetBytes: state.logLimits.bytes, logBodyBytes: state.logLimits.bodyBytes, evicted: state.evicted };
}

function adminError(status: number, message: string): EmulatorResponse {
  return jsonResponse(status, { error: message });
}

export function handleAdmin(request: EmulatorRequest, state: EmulatorStateImpl, startedAt: number, now: number): EmulatorResponse {
  const route = request.rawPath.slice(ADMIN_PREFIX.length).replace(/\/$/, '');
  const method = request.method.toUpperCase();
  if (route === 'health' && method === 'GET') {
    return jsonResponse(200, { status: 'ok', scenario: state.scenario.name, received: state.received.length, ...logSize(state), uptimeMs: now - startedAt });
  }
  if (route === 'requests' && method === 'GET') {
    // Entry by entry, so that no body a client sent can make the whole answer fail.
    const entries = state.received.map(receivedRequestJson).join(',');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: `{"received":[${entries}],${JSON.stringify(logSize(state)).slice(1)}` };
  }
  if (route === 'reset' && method === 'POST') {
    state.reset();
    return jsonResponse(200, { status: 'reset' });
  }
  if (route === 'scenario' && method === 'GET') return jsonResponse(200, state.scenario);
  if (route === 'scenario' && (method === 'PUT' || method === 'POST')) {
    let input: unknown;
    try {
      input = request.body.byteLength === 0 ? undefined : JSON.parse(Buffer.from(request.body).toString('utf8'));
    } catch (error) {
      return adminError(400, `scenario body is not valid JSON: ${(error as Error).message}`);
    }
    try {
      // An empty body restores the bundled default.
      state.loadScenario(input === undefined ? undefined : (input as object));
    } catch (error) {
      return adminError(400, error instanceof CcBedrockError ? error.message : String(error));
    }
    return jsonResponse(200, { status: 'loaded', scenario: state.scenario.name });
  }
  return adminError(404, `no admin route ${method} ${request.rawPath}; try GET /_emulator/health, GET /_emulator/requests, POST /_emulator/reset, PUT /_emulator/scenario`);
}
