/**
 * Using cc-bedrock as a library: settings + environment -> route plan -> availability discovery
 * -> an Anthropic-shaped client that talks to Amazon Bedrock the way Claude Code does.
 *
 * Run against a throwaway local emulator (no AWS account needed):
 *   node --import tsx examples/library-usage.ts --emulator
 * or against real Bedrock with your usual Claude Code configuration (CLAUDE_CODE_USE_BEDROCK=1,
 * AWS_REGION, AWS credentials or AWS_BEARER_TOKEN_BEDROCK):
 *   node --import tsx examples/library-usage.ts
 *
 * In your own code import from the package instead of ../src:
 *   import { createClient, discoverAvailability, applyDiscovery } from 'cc-bedrock';
 */
import { homedir } from 'node:os';
import { createAuthProvider } from '../src/aws/credentials.js';
import { applyDiscovery, createClient, clientOptionsFromEnv, discoverAvailability } from '../src/client/index.js';
import { createEmulator, emulatorEnvironment } from '../src/emulator/index.js';
import { isCcBedrockError } from '../src/core/errors.js';
import { resolveRoutePlan } from '../src/routing/resolve-route-plan.js';

async function main(): Promise<void> {
  // Outermost layer: the only place that reads the process environment, home and clock.
  const useEmulator = process.argv.includes('--emulator');
  const emulator = useEmulator ? createEmulator() : undefined;
  const running = emulator ? await emulator.listen({ host: '127.0.0.1', port: 0 }) : undefined;
  const env = running && emulator ? { ...process.env, ...emulatorEnvironment(running.url, emulator.state.scenario) } : process.env;
  const homeDir = homedir();

  try {
    // 1. Route plan: which endpoint, region, model IDs, headers and credential source.
    const resolution = await resolveRoutePlan({ env, homeDir, cwd: process.cwd(), platform: process.platform });
    let plan = resolution.plan;

    // 2. Credentials, resolved per request and refreshed when Bedrock says they expired.
    const authFor = (endpoint: 'bedrock' | 'mantle') =>
      createAuthProvider({
        plan: plan.credentials[endpoint],
        env: resolution.envLookup,
        subprocessEnv: resolution.effectiveEnv,
        homeDir,
        region: plan.region.value,
        stderr: process.stderr,
        warn: (message) => console.warn(`warning: ${message}`),
      });
    const auth = { bedrock: authFor('bedrock'), mantle: authFor('mantle') };

    // 3. Discovery (cached on disk: a second run sends the main call first). The listed profiles
    //    can change the built-in IDs (an account with only global.* profiles), so the plan is
    //    resolved again with them; a denied default then falls back with a warning.
    const discovery = await discoverAvailability({ plan, auth, env: resolution.envLookup, homeDir });
    if (discovery.discoveredProfileIds) {
      plan = (await resolveRoutePlan({ env, homeDir, cwd: process.cwd(), platform: process.platform, discoveredProfileIds: discovery.discoveredProfileIds })).plan;
    }
    plan = applyDiscovery(plan, discovery);
    for (const warning of discovery.warnings) console.warn(`warning: ${warning.message}`);

    // 4. The client: Anthropic SDK shapes, Claude Code's Bedrock wire.
    const client = createClient({
      plan,
      auth,
      env: resolution.envLookup,
      discoveredProfileIds: discovery.discoveredProfileIds ?? [],
      inferenceProfiles: discovery.inferenceProfiles,
      ...clientOptionsFromEnv(resolution.envLookup),
    });
    const target = client.resolveTarget();
    console.log(`model ${target.modelId} in ${target.region} via ${target.baseURL}`);

    const stream = client.messages.stream({
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Say hello in five words.' }],
    });
    stream.on('text', (delta) => process.stdout.write(delta));
    const message = await stream.finalMessage();
    console.log(`\n(${message.usage.input_tokens} tokens in, ${message.usage.output_tokens} out)`);

    const count = await client.messages.countTokens({ messages: [{ role: 'user', content: 'How many tokens is this?' }] });
    console.log(`countTokens: ${count.input_tokens}`);
  } catch (error) {
    if (isCcBedrockError(error)) {
      console.error(error.describe());
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await running?.close();
  }
}

await main();
