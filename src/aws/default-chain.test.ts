import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { settingsOverShellLookup } from '../../test/helpers/env-lookup.js';
import { startLoopbackProxy, type LoopbackProxy } from '../../test/helpers/proxy-server.js';
import { createTempHome, type TempHome } from '../../test/helpers/temp-home.js';
import { createNetworkFetch } from '../network/proxy-fetch.js';
import { resolveProxy } from '../network/proxy.js';
import { resolveDefaultChain } from './default-chain.js';

let imds: Server;
let imdsUrl: string;
let proxy: LoopbackProxy;
let home: TempHome;
const imdsCalls: string[] = [];

before(async () => {
  imds = createServer((req, res) => {
    imdsCalls.push(`${req.method} ${req.url}`);
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('imds-token');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return void res.writeHead(401).end();
    if (req.url === '/latest/meta-data/iam/security-credentials/') return void res.end('InstanceRole\n');
    if (req.url === '/latest/meta-data/iam/security-credentials/InstanceRole') {
      return void res.end(JSON.stringify({ AccessKeyId: 'AKIAINSTANCEROLE0001', SecretAccessKey: 'instance-secret', Token: 'instance-token', Expiration: '2099-01-01T00:00:00Z' }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => imds.listen(0, '127.0.0.1', resolve));
  imdsUrl = `http://127.0.0.1:${(imds.address() as AddressInfo).port}`;
  proxy = await startLoopbackProxy();
  home = createTempHome();
});

after(async () => {
  await Promise.all([proxy.close(), new Promise<void>((resolve) => imds.close(() => resolve()))]);
  home.cleanup();
});

test('instance metadata is host-local: reached directly even when the chain is handed a proxy-aware fetch', async () => {
  const env = settingsOverShellLookup({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsUrl, HTTPS_PROXY: proxy.url });
  const networkFetch = createNetworkFetch(resolveProxy(env));
  const result = await resolveDefaultChain({ env, homeDir: home.home, fetch: networkFetch, probeTimeoutMs: 2_000, warn: () => undefined });
  assert.equal(result.credentials.accessKeyId, 'AKIAINSTANCEROLE0001');
  assert.match(result.source, /EC2 instance metadata/);
  assert.deepEqual(imdsCalls, ['PUT /latest/api/token', 'GET /latest/meta-data/iam/security-credentials/', 'GET /latest/meta-data/iam/security-credentials/InstanceRole']);
  assert.deepEqual(proxy.records, [], 'the metadata calls went through the proxy');
});
