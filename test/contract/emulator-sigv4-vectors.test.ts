/**
 * The official SigV4 test suite through the emulator's verifier: the aws-c-auth raw signed
 * requests (header and presigned forms) and the smithy-typescript structured suite. Every
 * accepted vector is also tampered with (signature, secret, key, clock) and must then be refused
 * with the error AWS gives. Provenance: test/fixtures/sigv4/PROVENANCE.md.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { packageRoot } from '../../src/emulator/scenario.js';
import {
  verifyPresignedSigV4,
  verifySigV4,
  type SignableRequest,
  type VerifyOptions,
} from '../../src/emulator/sigv4-verifier.js';

const fixtures = join(packageRoot(), 'test', 'fixtures', 'sigv4');
const suiteDir = join(fixtures, 'aws-c-auth');

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  normalize: boolean;
  region: string;
  service: string;
  timestamp: string;
  /** The token is appended to a presigned URL after signing (an IoT convention, not Bedrock's). */
  omit_session_token?: boolean;
}

/** Parses a raw HTTP/1.1 request as the suite writes it (obs-fold continuation lines included). */
function parseRawRequest(text: string): SignableRequest {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = blank < 0 ? '' : text.slice(blank + 2);
  const [requestLine = '', ...lines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  // The target may itself contain spaces (get-space-*): it runs up to the last space.
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' '));
  const headers: Record<string, string> = {};
  let last: string | undefined;
  for (const line of lines) {
    if (/^\s/.test(line) && last !== undefined) {
      headers[last] = `${headers[last]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    last = name;
  }
  const q = target.indexOf('?');
  return {
    method,
    rawPath: q < 0 ? target : target.slice(0, q),
    rawQuery: q < 0 ? '' : target.slice(q + 1),
    headers,
    body: Buffer.from(body),
  };
}

function optionsFor(context: Context, overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    lookup: (id) =>
      id === context.credentials.access_key_id
        ? { secretAccessKey: context.credentials.secret_access_key, sessionToken: context.credentials.token }
        : undefined,
    now: Date.parse(context.timestamp),
    services: [context.service],
    maxSkewSeconds: 300,
    ...overrides,
  };
}

/** Bedrock, like every AWS service but S3, normalises the path before signing. */
function needsNormalizing(path: string): boolean {
  return /\/\/|\/\.\.?(\/|$)/.test(path);
}

function tamperSignature(request: SignableRequest): SignableRequest {
  const authorization = request.headers.authorization ?? '';
  const flipped = authorization.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`);
  return { ...request, headers: { ...request.headers, authorization: flipped } };
}

const cases = readdirSync(suiteDir).sort();

describe('SigV4 suite (aws-c-auth raw requests) through the emulator verifier', () => {
  test('the suite is present', () => {
    assert.ok(cases.length >= 30, `expected the full suite, found ${cases.length} cases`);
  });

  for (const name of cases) {
    const context = JSON.parse(readFileSync(join(suiteDir, name, 'context.json'), 'utf8')) as Context;
    const request = parseRawRequest(readFileSync(join(suiteDir, name, 'header-signed-request.txt'), 'utf8'));
    const expectAccept = context.normalize || !needsNormalizing(request.rawPath);

    test(`${name}: header-signed request ${expectAccept ? 'verifies' : 'is refused (unnormalised path)'}`, async () => {
      const result = await verifySigV4(request, optionsFor(context));
      if (expectAccept) {
        assert.equal(result.ok, true, result.ok ? '' : `${result.error.errorName}: ${result.error.message}`);
        if (result.ok) {
          assert.equal(result.auth.accessKeyId, context.credentials.access_key_id);
          assert.equal(result.auth.region, context.region);
          assert.equal(result.auth.service, context.service);
        }
      } else {
        assert.equal(result.ok, false);
        if (!result.ok) assert.equal(result.error.errorName, 'InvalidSignatureException');
      }
    });

    if (!expectAccept) continue;

    test(`${name}: tampered variants are refused the way AWS refuses them`, async () => {
      const flipped = await verifySigV4(tamperSignature(request), optionsFor(context));
      assert.equal(flipped.ok ? 'ok' : flipped.error.errorName, 'InvalidSignatureException');

      const wrongSecret = await verifySigV4(
        request,
        optionsFor(context, {
          lookup: () => ({ secretAccessKey: 'not-the-secret', sessionToken: context.credentials.token }),
        }),
      );
      assert.equal(wrongSecret.ok ? 'ok' : wrongSecret.error.errorName, 'InvalidSignatureException');

      const unknownKey = await verifySigV4(request, optionsFor(context, { lookup: () => undefined }));
      assert.equal(unknownKey.ok ? 'ok' : unknownKey.error.errorName, 'UnrecognizedClientException');

      const late = await verifySigV4(request, optionsFor(context, { now: Date.parse(context.timestamp) + 6 * 60_000 }));
      assert.equal(late.ok, false);
      if (!late.ok) assert.match(late.error.message, /^Signature expired: 20150830T123600Z is now earlier than/);

      const expired = await verifySigV4(
        request,
        optionsFor(context, {
          lookup: () => ({
            secretAccessKey: context.credentials.secret_access_key,
            sessionToken: context.credentials.token,
            expiresAtMs: Date.parse(context.timestamp) - 1,
          }),
        }),
      );
      assert.equal(expired.ok ? 'ok' : expired.error.errorName, 'ExpiredTokenException');

      const otherService = await verifySigV4(request, optionsFor(context, { services: ['bedrock'] }));
      assert.equal(otherService.ok ? 'ok' : otherService.error.errorName, 'InvalidSignatureException');
    });

    const presignedFile = join(suiteDir, name, 'query-signed-request.txt');
    if (existsSync(presignedFile)) {
      if (context.omit_session_token) {
        test(`${name}: presigned request with an unsigned session token is refused`, async () => {
          const presigned = parseRawRequest(readFileSync(presignedFile, 'utf8'));
          const result = await verifyPresignedSigV4(presigned, optionsFor(context));
          assert.equal(result.ok ? 'ok' : result.error.errorName, 'InvalidSignatureException');
        });
        continue;
      }
      test(`${name}: presigned (query) request verifies, and not after it expires`, async () => {
        const presigned = parseRawRequest(readFileSync(presignedFile, 'utf8'));
        const result = await verifyPresignedSigV4(presigned, optionsFor(context));
        assert.equal(result.ok, true, result.ok ? '' : `${result.error.errorName}: ${result.error.message}`);
        const later = await verifyPresignedSigV4(presigned, optionsFor(context, { now: Date.parse(context.timestamp) + 3601_000 }));
        assert.equal(later.ok, false);
        const tampered = { ...presigned, rawQuery: presigned.rawQuery.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`) };
        const bad = await verifyPresignedSigV4(tampered, optionsFor(context));
        assert.equal(bad.ok ? 'ok' : bad.error.errorName, 'InvalidSignatureException');
      });
    }
  }
});

interface SmithySuite {
  region: string;
  service: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  signingDate: string;
  requests: {
    name: string;
    request: { method: string; hostname: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: string };
    authorization: string;
  }[];
}

/** Serialises a structured query the way a client puts it on the wire. */
function wireQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

describe('SigV4 suite (smithy-typescript structured requests) through the emulator verifier', () => {
  const suite = JSON.parse(readFileSync(join(fixtures, 'smithy-suite.json'), 'utf8')) as SmithySuite;

  test('the suite is present and includes get-vanilla with its published signature', () => {
    const vanilla = suite.requests.find((r) => r.name === 'get-vanilla');
    assert.ok(vanilla);
    assert.match(vanilla.authorization, /Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31$/);
  });

  for (const vector of suite.requests) {
    test(`${vector.name}: verifies`, async () => {
      const request: SignableRequest = {
        method: vector.request.method,
        rawPath: vector.request.path,
        rawQuery: wireQuery(vector.request.query),
        headers: { ...Object.fromEntries(Object.entries(vector.request.headers).map(([k, v]) => [k.toLowerCase(), v])), authorization: vector.authorization },
        body: Buffer.from(vector.request.body ?? ''),
      };
      const result = await verifySigV4(request, {
        lookup: (id) => (id === suite.credentials.accessKeyId ? { secretAccessKey: suite.credentials.secretAccessKey, sessionToken: request.headers['x-amz-security-token'] } : undefined),
        now: Date.parse(suite.signingDate),
        services: [suite.service],
        maxSkewSeconds: 300,
      });
      assert.equal(result.ok, true, result.ok ? '' : `${result.error.errorName}: ${result.error.message}`);
      const tampered = await verifySigV4(tamperSignature(request), {
        lookup: () => ({ secretAccessKey: suite.credentials.secretAccessKey, sessionToken: request.headers['x-amz-security-token'] }),
        now: Date.parse(suite.signingDate),
        services: [suite.service],
        maxSkewSeconds: 300,
      });
      assert.equal(tampered.ok, false);
    });
  }
});
