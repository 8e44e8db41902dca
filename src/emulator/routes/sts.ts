/**
 * STS GetCallerIdentity over the awsQuery protocol (form-encoded request, XML response), so
 * `doctor` and the AWS CLI can check which identity a key belongs to without leaving the machine.
 */
import type { AwsServiceError } from '../aws-errors.js';
import type { EmulatorResponse } from '../http-types.js';
import { parseQuery } from '../sigv4-verifier.js';
import type { RouteContext } from './context.js';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** STS names the same auth failures differently from Bedrock. */
const STS_ERROR: Readonly<Record<string, { code: string; status: number }>> = {
  UnrecognizedClientException: { code: 'InvalidClientTokenId', status: 403 },
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', status: 403 },
  ExpiredTokenException: { code: 'ExpiredToken', status: 400 },
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', status: 403 },
  IncompleteSignatureException: { code: 'IncompleteSignature', status: 400 },
  AccessDeniedException: { code: 'AccessDenied', status: 403 },
  ThrottlingException: { code: 'Throttling', status: 400 },
};

export function stsErrorResponse(error: AwsServiceError, requestId: string): EmulatorResponse {
  const mapped = STS_ERROR[error.errorName] ?? { code: error.errorName.replace(/Exception$/, ''), status: error.status };
  const body =
    `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>${mapped.status >= 500 ? 'Receiver' : 'Sender'}</Type>\n` +
    `    <Code>${xmlEscape(mapped.code)}</Code>\n    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return { status: mapped.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

function action(context: RouteContext): string | undefined {
  const fromQuery = parseQuery(context.request.rawQuery).Action;
  if (typeof fromQuery === 'string') return fromQuery;
  const fromBody = parseQuery(Buffer.from(context.request.body).toString('utf8').replace(/\+/g, '%20')).Action;
  return typeof fromBody === 'string' ? fromBody : undefined;
}

export async function stsQuery(context: RouteContext): Promise<EmulatorResponse> {
  const name = action(context);
  const requestId = context.requestId;
  if (name !== 'GetCallerIdentity') {
    const body =
      `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidAction</Code>\n` +
      `    <Message>Could not find operation ${xmlEscape(name ?? '')} for version 2011-06-15</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
    return { status: 400, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
  const { scenario, caller } = context;
  const arn = caller.credential?.arn ?? scenario.account.arn ?? `arn:aws:iam::${scenario.account.id}:user/emulator`;
  const userId = caller.credential?.userId ?? scenario.account.userId;
  const account = /^arn:aws[a-z-]*:[a-z]+::(\d{12}):/.exec(arn)?.[1] ?? scenario.account.id;
  const body =
    `<GetCallerIdentityResponse xmlns="${NAMESPACE}">\n  <GetCallerIdentityResult>\n` +
    `    <Arn>${xmlEscape(arn)}</Arn>\n    <UserId>${xmlEscape(userId)}</UserId>\n    <Account>${account}</Account>\n` +
    `  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</GetCallerIdentityResponse>\n`;
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}
