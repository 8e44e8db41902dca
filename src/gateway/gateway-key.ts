/**
 * The gateway key check. The presented key and the expected key are both hashed before the
 * comparison, so `timingSafeEqual` always compares 32 bytes and neither the content nor the
 * length of the expected key leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** A request header by lower-case name (GatewayRequest.header). */
export type HeaderLookup = (name: string) => string | null;

export type KeyCheck = (header: HeaderLookup) => boolean;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The key a client presented: `x-api-key`, else `Authorization: Bearer <key>`. */
export function presentedKey(header: HeaderLookup): string | undefined {
  const apiKey = header('x-api-key');
  if (apiKey) return apiKey.trim();
  const authorization = header('authorization');
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  return match ? match[1]!.trim() : undefined;
}

/** A checker for `expected`; without a key every request passes (loopback-only deployments). */
export function createKeyCheck(expected: string | undefined): KeyCheck {
  if (expected === undefined) return () => true;
  const expectedDigest = digest(expected);
  return (header) => {
    const presented = presentedKey(header);
    // Compared even when absent, so a missing key takes the same path as a wrong one.
    const ok = timingSafeEqual(digest(presented ?? ''), expectedDigest);
    return ok && presented !== undefined;
  };
}
