/**
 * The environment that points cc-bedrock and Claude Code at a running emulator: endpoint base
 * URLs, region, the scenario's first credentials (fake keys of the emulated account) and no EC2
 * instance metadata lookups.
 */
import type { Scenario } from './scenario.js';

/** The environment variables that point Claude Code (or `createClient()`) at a running emulator with this scenario's keys and region. */
export function emulatorEnvironment(url: string, scenario: Scenario): Record<string, string> {
  const base = url.replace(/\/+$/, '');
  const credential = scenario.credentials[0];
  return {
    CLAUDE_CODE_USE_BEDROCK: '1',
    ANTHROPIC_BEDROCK_BASE_URL: base,
    ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${base}/anthropic`,
    AWS_ENDPOINT_URL_BEDROCK: base,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: base,
    AWS_ENDPOINT_URL_STS: base,
    AWS_REGION: scenario.defaultRegion,
    // Whoever uses this environment talks to a local emulator, not from an EC2 instance: without
    // it a shell that lacks the keys below has the AWS credential chain try 169.254.169.254.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(credential
      ? {
          AWS_ACCESS_KEY_ID: credential.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credential.secretAccessKey,
          ...(credential.sessionToken ? { AWS_SESSION_TOKEN: credential.sessionToken } : {}),
        }
      : {}),
  };
}
