/**
 * The Bedrock operations the gateway sends upstream, and the one place their paths are built.
 *
 * The gateway signs every upstream call with its own identity, so a path it builds from client
 * input must never name anything but the operation the client was routed to: `/model/../x`,
 * `%2e%2e` and friends would otherwise reach other Bedrock (or emulator) paths, signed. So a
 * client path is matched by shape only (one raw segment where an ID goes), the segment is
 * decoded exactly once and checked (`checkIdentifier`), and the upstream path is made from a
 * typed operation whose ID is encoded as exactly one segment. Nothing concatenates client text.
 */
import { encodeModelLabel } from '../client/create-client.js';
import { parseBedrockArn } from '../models/model-catalog.js';
import { invalidRequest } from './anthropic-errors.js';

export type BedrockModelOperation = 'invoke' | 'invoke-with-response-stream' | 'count-tokens';

/** Every upstream Bedrock call the gateway makes, as data. */
export type BedrockUpstreamOperation =
  | { readonly kind: BedrockModelOperation; readonly modelId: string }
  | { readonly kind: 'list-inference-profiles' }
  | { readonly kind: 'get-inference-profile'; readonly profileId: string };

/** A client path on the Bedrock passthrough, by shape; `segment` is still raw (percent-encoded). */
export type PassthroughPath =
  | { readonly kind: BedrockModelOperation; readonly segment: string }
  | { readonly kind: 'list-inference-profiles' }
  | { readonly kind: 'get-inference-profile'; readonly segment: string };

/** Bedrock's own limit for model and inference-profile identifiers. */
export const MAX_IDENTIFIER_LENGTH = 2048;

const MODEL_PATH = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|count-tokens)$/;
const PROFILE_PATH = /^\/inference-profiles(?:\/([^/]*))?$/;
/** Printable ASCII: every Bedrock model ID, profile ID and ARN is made of it. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const DOT_OR_EMPTY = new Set(['', '.', '..']);

/** The passthrough operation a request path asks for; undefined for any other shape (404). */
export function matchPassthroughPath(method: string, path: string): PassthroughPath | undefined {
  if (method === 'POST') {
    const model = MODEL_PATH.exec(path);
    return model ? { kind: model[2] as BedrockModelOperation, segment: model[1]! } : undefined;
  }
  if (method !== 'GET') return undefined;
  const profile = PROFILE_PATH.exec(path);
  if (!profile) return undefined;
  return profile[1] === undefined ? { kind: 'list-inference-profiles' } : { kind: 'get-inference-profile', segment: profile[1] };
}

/** Client-chosen strings are cut before they reach an error message or a log line. */
export function clip(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

/** Why `value` cannot be a Bedrock identifier in a path, or undefined when it can. */
function identifierProblem(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > MAX_IDENTIFIER_LENGTH) return `it is longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  if (!PRINTABLE_ASCII.test(value)) return 'it holds a space, a control character or a non-ASCII character';
  if (value.includes('\\')) return 'it holds a backslash';
  if (value === '.' || value === '..') return 'it is a dot segment';
  if (value.includes('/')) {
    // Only an ARN has a "/" (application-inference-profile/<id>); it still goes upstream as one segment (%2F).
    if (!parseBedrockArn(value)) return 'only an ARN may hold "/"';
    if (value.split('/').some((piece) => DOT_OR_EMPTY.has(piece))) return 'its resource part has an empty or dot segment';
  }
  return undefined;
}

/** `value` if it may go upstream as an identifier; else a 400 naming `what`. */
export function checkIdentifier(value: string, what: string): string {
  const problem = identifierProblem(value);
  if (problem === undefined) return value;
  throw invalidRequest(
    `${what} ${JSON.stringify(clip(value))} is not a valid Amazon Bedrock identifier: ${problem}`,
    `use an alias, a model name, an inference-profile ID or an ARN (printable ASCII, at most ${MAX_IDENTIFIER_LENGTH} characters, percent-encoded once in the path, "/" as %2F only inside an ARN)`,
  );
}

/** A raw client path segment, decoded exactly once and checked. */
export function clientSegment(raw: string, what: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw invalidRequest(`${what} is not valid percent-encoding: ${JSON.stringify(clip(raw))}`, 'percent-encode the ID once (e.g. "/" as %2F)');
  }
  return checkIdentifier(decoded, what);
}

/** The upstream path of an operation: fixed text and one encoded segment per checked identifier. */
export function bedrockPath(operation: BedrockUpstreamOperation): string {
  switch (operation.kind) {
    case 'invoke':
    case 'invoke-with-response-stream':
    case 'count-tokens':
      // Colons stay literal, as Claude Code sends them; "/" and everything else reserved is encoded.
      return `/model/${encodeModelLabel(checkIdentifier(operation.modelId, 'model'))}/${operation.kind}`;
    case 'list-inference-profiles':
      return '/inference-profiles';
    case 'get-inference-profile':
      return `/inference-profiles/${encodeURIComponent(checkIdentifier(operation.profileId, 'inference profile'))}`;
  }
}
