/**
 * The real Claude Code (v2.1.197) in first-party mode (ANTHROPIC_BASE_URL = the gateway) picking
 * each model its picker offers by alias: whatever first-party name it sends (`claude-sonnet-5`
 * for `sonnet`, `claude-opus-4-8` for `opus`, …) the gateway maps exactly as `--model` maps that
 * name, the default emulator serves it, and Claude Code prints the reply. Before the emulator's
 * lineup came from the catalog, `sonnet` ended in a 404 ("There's an issue with the selected model").
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { resolveModels } from '../../src/models/resolve-model.js';
import { settingsOverShellLookup } from '../helpers/env-lookup.js';
import { startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';
import { claudeCodeBin, claudeCodeEnv } from '../helpers/claude-code.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';

const GATEWAY_KEY = 'claude-code-models-gateway-key-0123456789';
const PICKER_ALIASES = ['default', 'opus', 'sonnet', 'haiku', 'fable', 'opus[1m]', 'sonnet[1m]'];

function runClaude(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(claudeCodeBin(), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('Claude Code in first-party mode through the gateway: every picker model answers', () => {
  let harness: GatewayHarness;
  let home: TempHome;
  before(async () => {
    harness = await startGatewayHarness({ gateway: { apiKey: GATEWAY_KEY } });
    home = createTempHome();
  });
  after(async () => {
    await harness.close();
    home.cleanup();
  });

  for (const alias of PICKER_ALIASES) {
    test(`--model ${alias}`, async () => {
      const seen = harness.logs.length;
      // Nothing may leave loopback: a proxy nobody listens on catches any attempt.
      const env = claudeCodeEnv(home, 'http://127.0.0.1:9', { ANTHROPIC_BASE_URL: harness.url, ANTHROPIC_API_KEY: GATEWAY_KEY });
      const result = await runClaude(['-p', '--model', alias, `hello ${alias}`], env, home.cwd);
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, new RegExp(`You said: hello ${alias.replace(/[[\]]/g, '\\$&')}`));
      const lines = harness.logs
        .slice(seen)
        .map((line) => JSON.parse(line) as { route?: string; status?: number; model?: string; upstreamModel?: string })
        .filter((line) => line.route === 'messages');
      assert.ok(lines.length > 0);
      for (const line of lines) {
        assert.equal(line.status, 200, JSON.stringify(line));
        const plan = harness.plan;
        const viaFlag = resolveModels({
          env: settingsOverShellLookup({}),
          modelFlag: line.model!,
          modelOverrides: plan.modelOverrides,
          providers: { bedrock: plan.providers.bedrock, mantle: plan.providers.mantle },
          region: plan.region,
          mantleBaseUrlOverridden: true,
        }).main;
        assert.equal(line.upstreamModel, viaFlag.wireModelId, `Claude Code sent ${line.model}`);
      }
    });
  }
});
