/**
 * Masks an identifier that is not itself secret but should not be shown whole
 * (an access key ID): keeps the first four and last four characters.
 */
export function maskKeyId(keyId: string): string {
  if (keyId.length <= 8) return '****';
  return `${keyId.slice(0, 4)}…${keyId.slice(-4)}`;
}

/** A secret value is never shown, not even in part: only whether it is set and its length. */
export function describeSecret(value: string | undefined): string {
  return value ? `set (${value.length} characters, hidden)` : 'not set';
}

// Any header whose name suggests a credential: the standard ones (authorization,
// x-amz-security-token, x-api-key, cookie) and the custom ones people invent (x-gateway-key).
const SECRET_HEADER = /authorization|api[-_]?key|token|secret|password|passwd|cookie|signature|credential|[-_]key$/i;

/** Header values that may carry credentials are replaced before anything is printed or logged. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADER.test(name) ? '<redacted>' : value;
  }
  return out;
}

export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER.test(name);
}

const SECRET_FLAG = /^--?[\w-]*(token|secret|password|passwd|key|credential)[\w-]*$/i;
const SECRET_ASSIGNMENT = /^([\w-]*(token|secret|password|passwd|key|credential)[\w-]*=)(.+)$/i;
const OPAQUE_VALUE = /^[A-Za-z0-9/+=_-]{24,}$/;

/**
 * A shell command from settings (`awsAuthRefresh`, `awsCredentialExport`) for display. Commands
 * are configuration, and seeing `aws sso login --profile dev` is the point of status; but people
 * do paste tokens into command lines, so the value after a secret-named flag, a secret-named
 * `NAME=value`, and any long opaque word are masked.
 */
export function displayCommand(command: string): string {
  const words = command.split(/(\s+)/);
  let maskNext = false;
  return words
    .map((word) => {
      if (/^\s+$/.test(word) || word === '') return word;
      if (maskNext) {
        maskNext = false;
        return '****';
      }
      if (SECRET_FLAG.test(word)) {
        maskNext = true;
        return word;
      }
      const assignment = SECRET_ASSIGNMENT.exec(word);
      if (assignment) return `${assignment[1]}****`;
      return OPAQUE_VALUE.test(word) ? '****' : word;
    })
    .join('');
}
