/**
 * Using cc-bedrock as a library: one call reads Claude Code's configuration (environment,
 * settings files, AWS config) and gives an Anthropic-shaped client that talks to Amazon Bedrock
 * the way Claude Code does. Only the package's public exports are used.
 *
 * Run against a throwaway local emulator (no AWS account needed; `npm run build && npm run bundle` first):
 *   node --import tsx examples/library-usage.ts --emulator
 * or against real Bedrock with your usual Claude Code configuration (CLAUDE_CODE_USE_BEDROCK=1,
 * AWS_REGION, AWS credentials or AWS_BEARER_TOKEN_BEDROCK):
 *   node --import tsx examples/library-usage.ts
 */
import { createClient, createEmulator, emulatorEnvironment, isCcBedrockError, type Emulator } from 'cc-bedrock';

async function startEmulator(): Promise<Awaited<ReturnType<Emulator['listen']>>> {
  const emulator = createEmulator();
  const running = await emulator.listen({ host: '127.0.0.1', port: 0 });
  // This program's own environment now points Claude Code's Bedrock variables at the emulator.
  Object.assign(process.env, emulatorEnvironment(running.url, emulator.state.scenario));
  return running;
}

async function main(): Promise<void> {
  const running = process.argv.includes('--emulator') ? await startEmulator() : undefined;
  try {
    // Route plan, credentials and availability discovery (cached on disk), as Claude Code does them.
    const client = await createClient();
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
    if (!isCcBedrockError(error)) throw error;
    console.error(error.describe());
    process.exitCode = 1;
  } finally {
    await running?.close();
  }
}

await main();
