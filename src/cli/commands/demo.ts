/**
 * `cc-bedrock demo` (`npm run demo`): the whole stack on a fresh clone, with no AWS account and
 * no network. It starts the Bedrock emulator in-process on a loopback port, copies the example
 * configuration (examples/demo-home: a settings file with pins, custom guardrail headers and
 * modelOverrides; an AWS profile whose credential_process prints the demo keys) into a temporary
 * HOME with the endpoints pointed at the emulator, shows `status` for it, then sends a prompt
 * through settings → route plan → credentials → discovery → SigV4 → Invoke API → event stream,
 * twice: cold (discovery runs) and warm (the availability cache answers, one request).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CcBedrockError } from '../../core/errors.js';
import { createEmulator, defaultScenario, scenarioWith, type ReceivedRequest } from '../../emulator/index.js';
import { ExitCode } from '../io.js';
import { type CliIO } from '../../core/command-io.js';
import { run as runPrint } from './print.js';
import { run as runStatus } from './status.js';

const PROMPT = 'Hello from the cc-bedrock demo: which route did this message take?';

/** The installed package (or checkout): the nearest directory above this module with a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new CcBedrockError('INTERNAL', `no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The credentials the example profile's credential_process prints (examples/demo-home/.aws/config). */
function demoCredentials(awsConfig: string): { accessKeyId: string; secretAccessKey: string } {
  const accessKeyId = /AccessKeyId:'([^']+)'/.exec(awsConfig)?.[1];
  const secretAccessKey = /SecretAccessKey:'([^']+)'/.exec(awsConfig)?.[1];
  if (!accessKeyId || !secretAccessKey) {
    throw new CcBedrockError('INTERNAL', 'examples/demo-home/.aws/config no longer prints demo credentials from its credential_process', {
      remediation: 'restore the example profile "demo" (credential_process printing AccessKeyId and SecretAccessKey)',
    });
  }
  return { accessKeyId, secretAccessKey };
}

/** Guardrail IDs the example's ANTHROPIC_CUSTOM_HEADERS name, so the emulator knows them. */
function guardrailIds(settings: { env?: Record<string, string> }): string[] {
  const headers = settings.env?.['ANTHROPIC_CUSTOM_HEADERS'] ?? '';
  return [...headers.matchAll(/X-Amzn-Bedrock-GuardrailIdentifier:\s*([a-z0-9]+)/gi)].map((match) => match[1]!);
}

function describeRequest(entry: ReceivedRequest): string {
  const auth = entry.auth as { kind?: string; service?: string } | undefined;
  const signed = auth?.kind === 'sigv4' ? `SigV4 ${auth.service ?? ''}`.trim() : (auth?.kind ?? 'no auth');
  const tier = entry.headers['x-amzn-bedrock-service-tier'];
  const guardrail = entry.headers['x-amzn-bedrock-guardrailidentifier'];
  const extras = [signed, guardrail ? `guardrail ${guardrail}` : '', tier ? `tier ${tier}` : ''].filter(Boolean).join(', ');
  return `  ${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''}  → ${entry.status ?? '?'}  [${entry.operation}; ${extras}]`;
}

export async function run(_options: Record<string, unknown>, io: CliIO): Promise<number> {
  const out = (text = '') => io.stdout.write(`${text}\n`);
  const exampleHome = join(packageRoot(), 'examples', 'demo-home');
  const awsConfig = readFileSync(join(exampleHome, '.aws', 'config'), 'utf8');
  const settings = JSON.parse(readFileSync(join(exampleHome, '.claude', 'settings.json'), 'utf8')) as {
    env?: Record<string, string>;
  } & Record<string, unknown>;

  const base = defaultScenario();
  const scenario = scenarioWith({
    name: 'demo',
    credentials: [...base.credentials, demoCredentials(awsConfig)],
    guardrails: [
      ...base.guardrails,
      ...guardrailIds(settings)
        .filter((id) => !base.guardrails.some((g) => g.id === id))
        .map((id) => ({ id, versions: ['1'], blockedTerms: ['forbidden-topic'] })),
    ],
  });
  const emulator = createEmulator({ scenario });
  const server = await emulator.listen({ host: '127.0.0.1', port: 0 });
  const root = mkdtempSync(join(tmpdir(), 'cc-bedrock-demo-'));
  try {
    const home = join(root, 'home');
    const project = join(root, 'project');
    cpSync(exampleHome, home, { recursive: true });
    mkdirSync(project, { recursive: true });
    const url = server.url.replace(/\/+$/, '');
    const demoSettings = {
      ...settings,
      env: {
        ...settings.env,
        // The only change to the example: its endpoints are the local emulator.
        ANTHROPIC_BEDROCK_BASE_URL: url,
        ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${url}/anthropic`,
        AWS_ENDPOINT_URL_STS: url,
      },
    };
    writeFileSync(join(home, '.claude', 'settings.json'), `${JSON.stringify(demoSettings, null, 2)}\n`);

    // A hermetic environment: nothing from the caller's AWS or Claude setup leaks in.
    const env = {
      PATH: io.env['PATH'],
      HOME: home,
      CC_BEDROCK_MANAGED_SETTINGS_DIR: join(root, 'managed'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const demoIO = (): CliIO => ({
      ...io,
      env,
      homeDir: home,
      cwd: project,
      interactive: false,
      stdin: Readable.from([]),
    });

    out('cc-bedrock demo: Claude Code\'s Bedrock provider layer, end to end, against a local Bedrock emulator');
    out('(no AWS account and no network: every request below went to the emulator on the loopback interface)');
    out();
    out(`Emulator      ${url}  (scenario "${scenario.name}": account ${scenario.account.id}, every Claude model granted)`);
    out(`Configuration examples/demo-home, copied to ${home}`);
    out('              with ANTHROPIC_BEDROCK_BASE_URL, ANTHROPIC_BEDROCK_MANTLE_BASE_URL and AWS_ENDPOINT_URL_STS set to the emulator');
    out();
    out('$ cc-bedrock status');
    const statusCode = await runStatus({}, demoIO());
    if (statusCode !== ExitCode.ok) return statusCode;
    out();

    out(`$ cc-bedrock -p "${PROMPT}"`);
    emulator.state.reset();
    const coldCode = await runPrint({ args: [PROMPT], outputFormat: 'text' }, demoIO());
    if (coldCode !== ExitCode.ok) return coldCode;
    const cold = [...emulator.state.received];
    out();
    out(`Requests (cold start: discovery ran, then the streamed call):`);
    for (const entry of cold) out(describeRequest(entry));
    out();

    out(`$ cc-bedrock -p "${PROMPT}"   # again: model availability now comes from the disk cache`);
    emulator.state.reset();
    const warmCode = await runPrint({ args: [PROMPT], outputFormat: 'text' }, demoIO());
    if (warmCode !== ExitCode.ok) return warmCode;
    const warm = [...emulator.state.received];
    out();
    out(`Requests (warm start: ${warm.length} request${warm.length === 1 ? '' : 's'} before the first token instead of ${cold.length}):`);
    for (const entry of warm) out(describeRequest(entry));
    out();
    out('Next: `cc-bedrock status` and `cc-bedrock -p "…"` with your own AWS configuration, or `cc-bedrock emulate` to keep the emulator running.');
    return ExitCode.ok;
  } finally {
    await server.close();
    await emulator.close();
    rmSync(root, { recursive: true, force: true });
  }
}
