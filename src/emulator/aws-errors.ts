/**
 * AWS restJson1 errors as Bedrock sends them (wire reference §3): status, `x-amzn-ErrorType:
 * <Name>:http://internal.amazon.com/coral/com.amazon.bedrock/`, `x-amzn-RequestId`, and a JSON
 * body `{"message": …}`. Every message here is the exact text real Bedrock returns where it is
 * known; handlers throw an AwsServiceError and the router shapes it with awsErrorResponse.
 */
import type { EmulatorResponse } from './http-types.js';

const CORAL_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

/** Default status per error name: the catalogue of wire reference §3.2 (plus the auth errors). */
export const AWS_ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  ServiceQuotaExceededException: 400,
  ModelTimeoutException: 408,
  ModelNotReadyException: 429,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ConflictException: 400,
  ResourceInUseException: 400,
  TooManyTagsException: 400,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  IncompleteSignatureException: 403,
  MissingAuthenticationTokenException: 403,
  ExpiredTokenException: 403,
  UnknownOperationException: 404,
};

export interface AwsServiceErrorOptions {
  /** Extra body members (e.g. `originalStatusCode`, `resourceName`). */
  readonly extra?: Record<string, unknown>;
  readonly retryAfterSeconds?: number;
  /** Bearer-token failures use a capital `Message` key. */
  readonly capitalMessage?: boolean;
}

export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  readonly errorName: string;
  readonly status: number;
  readonly options: AwsServiceErrorOptions;

  constructor(errorName: string, message: string, status?: number, options: AwsServiceErrorOptions = {}) {
    super(message);
    this.errorName = errorName;
    this.status = status ?? AWS_ERROR_STATUS[errorName] ?? 400;
    this.options = options;
  }
}

export function awsErrorResponse(error: AwsServiceError, requestId: string): EmulatorResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': `${error.errorName}:${CORAL_NAMESPACE}`,
  };
  if (error.options.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.options.retryAfterSeconds);
  const body = {
    ...(error.options.capitalMessage ? { Message: error.message } : { message: error.message }),
    ...error.options.extra,
  };
  return { status: error.status, headers, body: JSON.stringify(body) };
}

/** The exact texts of the catalogue, one constructor per case so call sites cannot misspell them. */
export const awsErrors = {
  accessDenied: () =>
    new AwsServiceError('AccessDeniedException', "You don't have access to the model with the specified model ID."),
  marketplaceDenied: () =>
    new AwsServiceError(
      'AccessDeniedException',
      'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock User Guide for further details. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.',
    ),
  /** Note the typographic apostrophe (U+2019) in "isn’t": real Bedrock sends it. */
  onDemandNotSupported: (modelId: string) =>
    new AwsServiceError(
      'ValidationException',
      `Invocation of model ID ${modelId} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    ),
  invalidModelIdentifier: () => new AwsServiceError('ValidationException', 'The provided model identifier is invalid.'),
  modelIdPattern: (value: string) =>
    new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'modelId' failed to satisfy constraint: Member must have length less than or equal to 2048`,
    ),
  malformedInput: (detail: string) =>
    new AwsServiceError('ValidationException', `Malformed input request: ${detail}, please reformat your input and try again.`),
  /** Model-side validation is passed through verbatim, as the Messages API words it. */
  modelValidation: (message: string) => new AwsServiceError('ValidationException', message),
  countTokensUnsupported: () =>
    new AwsServiceError('ValidationException', "The provided model doesn't support counting tokens."),
  serviceTierInvalid: (value: string) =>
    new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'serviceTier' failed to satisfy constraint: Member must satisfy enum value set: [priority, default, flex, reserved]`,
    ),
  reservationNotFound: () => new AwsServiceError('ValidationException', 'Reservation not found.'),
  latencyInvalid: (value: string) =>
    new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'performanceConfigLatency' failed to satisfy constraint: Member must satisfy enum value set: [optimized, standard]`,
    ),
  throttling: () => new AwsServiceError('ThrottlingException', 'Too many requests, please wait before trying again.'),
  resourceNotFound: (what: string) => new AwsServiceError('ResourceNotFoundException', what),
  unknownOperation: () => new AwsServiceError('UnknownOperationException', 'Unknown operation', 404),
  requestTooLarge: (limit: number) =>
    new AwsServiceError('ValidationException', `Request body exceeds the maximum allowed size of ${limit} bytes.`),
  // authentication
  missingAuthenticationToken: () => new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token'),
  incompleteSignature: (detail: string) => new AwsServiceError('IncompleteSignatureException', detail),
  unrecognizedClient: () =>
    new AwsServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
  invalidSignature: () =>
    new AwsServiceError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  /** No trailing period: that is how AWS words it. */
  expiredToken: () => new AwsServiceError('ExpiredTokenException', 'The security token included in the request is expired'),
  signatureExpired: (message: string) => new AwsServiceError('InvalidSignatureException', message),
  wrongService: (expected: string) =>
    new AwsServiceError('InvalidSignatureException', `Credential should be scoped to correct service: '${expected}'. `),
  bearerAuthFailed: () =>
    new AwsServiceError('AccessDeniedException', 'Authentication failed: Please make sure your API Key is valid.', 403, {
      capitalMessage: true,
    }),
  bearerBadFormat: () =>
    new AwsServiceError('AccessDeniedException', 'Invalid API Key format: Must start with pre-defined prefix', 403, {
      capitalMessage: true,
    }),
  bearerExpired: () =>
    new AwsServiceError('AccessDeniedException', 'Authentication failed: API Key is expired.', 403, { capitalMessage: true }),
} as const;
