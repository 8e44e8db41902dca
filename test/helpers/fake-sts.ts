import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSts {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_STS. */
  readonly url: string;
  /** Access key IDs STS accepts; any other key is answered with `rejectAs`. */
  readonly acceptedKeyIds: Set<string>;
  rejectAs: 'ExpiredToken' | 'InvalidClientTokenId';
  /** Access key IDs seen, in order (from the SigV4 Authorization header). */
  readonly calls: string[];
  close(): Promise<void>;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/**
 * A loopback STS that answers GetCallerIdentity in awsQuery form (POST / with a form body,
 * XML reply), deciding by the access key ID in the SigV4 credential scope. It does not verify
 * signatures: the tests that use it are about when credentials are checked and refreshed.
 */
export async function startFakeSts(accepted: string[] = []): Promise<FakeSts> {
  const state = {
    acceptedKeyIds: new Set(accepted),
    rejectAs: 'ExpiredToken' as FakeSts['rejectAs'],
    calls: [] as string[],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
      state.calls.push(keyId);
      res.setHeader('content-type', 'text/xml');
      if (req.method !== 'POST' || form.get('Action') !== 'GetCallerIdentity') {
        res.statusCode = 400;
        res.end(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>unsupported</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
        return;
      }
      if (!state.acceptedKeyIds.has(keyId)) {
        const expired = state.rejectAs === 'ExpiredToken';
        res.statusCode = expired ? 400 : 403;
        const message = expired ? 'The security token included in the request is expired' : 'The security token included in the request is invalid.';
        res.end(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${state.rejectAs}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
        return;
      }
      res.end(
        `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult>` +
          `<Arn>arn:aws:iam::123456789012:user/tester</Arn><UserId>AIDATESTER</UserId><Account>123456789012</Account>` +
          `</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get acceptedKeyIds() {
      return state.acceptedKeyIds;
    },
    get rejectAs() {
      return state.rejectAs;
    },
    set rejectAs(value) {
      state.rejectAs = value;
    },
    calls: state.calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
