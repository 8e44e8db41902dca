/**
 * The contract between credential resolution (src/aws) and the clients that send requests
 * (src/client, src/gateway, src/doctor). A client asks for auth per request and reports when
 * the upstream rejected it, so refresh and retry policy live in one place.
 */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** The auth of one request: none, a bearer token, or AWS credentials to sign with. */
export type RequestAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'sigv4'; readonly credentials: AwsCredentials };

/** Gives the auth of each request (a bearer token or SigV4 credentials), cached and refreshed before they expire. */
export interface AuthProvider {
  /** Auth for the next request: cached, re-resolved shortly before expiry. */
  getAuth(): Promise<RequestAuth>;
  /**
   * The same when it is at hand without waiting (credentials cached and fresh); undefined means
   * ask `getAuth`. Lets a caller on a hot path skip a promise per request.
   */
  readyAuth?(): RequestAuth | undefined;
  /**
   * The upstream rejected the credentials as expired or invalid. Clears caches, runs
   * `awsAuthRefresh` when configured (at most once per failure streak: the loop guard) and
   * re-resolves. Resolves `true` when a retry is worthwhile; throws a CcBedrockError
   * (CREDENTIALS_EXPIRED, AUTH_REFRESH_LOOP, …) with the remediation otherwise.
   */
  recoverFromAuthFailure(cause: unknown): Promise<boolean>;
  /** A request succeeded with the current credentials: re-arms the refresh loop guard. */
  markWorking(): void;
}
