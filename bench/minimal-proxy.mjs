// The floor the gateway bench compares against: the least a Node.js gateway in front of Bedrock
// must do for a non-streaming Messages call (read the body, rewrite it for the Invoke API, SigV4
// sign with the same library, forward over a keep-alive agent, hand the reply back) and nothing
// else: no checks, routing, beta policy, errors, metrics or logs. Bench-only; never shipped.
// Env: UPSTREAM (emulator URL), AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

const upstream = new URL(process.env.UPSTREAM);
const signer = new SignatureV4({
  service: 'bedrock',
  region: process.env.AWS_REGION,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
  sha256: Hash.bind(null, 'sha256'),
  applyChecksum: true,
});
const agent = new http.Agent({ keepAlive: true });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const path = `/model/${encodeURIComponent(body.model)}/invoke`;
    delete body.model;
    delete body.stream;
    body.anthropic_version = 'bedrock-2023-05-31';
    const text = JSON.stringify(body);
    const signed = await signer.sign(
      new HttpRequest({ method: 'POST', protocol: upstream.protocol, hostname: upstream.hostname, port: Number(upstream.port), path, headers: { 'content-type': 'application/json', accept: 'application/json', host: upstream.host }, body: text }),
    );
    const headers = { ...signed.headers, 'content-length': Buffer.byteLength(text) };
    delete headers.host;
    const outgoing = http.request({ hostname: upstream.hostname, port: upstream.port, path, method: 'POST', headers, agent }, (incoming) => {
      const parts = [];
      incoming.on('data', (chunk) => parts.push(chunk));
      incoming.on('end', () => {
        const reply = Buffer.concat(parts);
        res.writeHead(incoming.statusCode, { 'content-type': 'application/json', 'content-length': reply.length });
        res.end(reply);
      });
    });
    outgoing.on('error', () => res.destroy());
    outgoing.end(text);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`minimal proxy listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
