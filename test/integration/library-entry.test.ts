import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/repo-root.js';
import { createTempHome } from '../helpers/temp-home.js';
import type * as Library from '../../src/index.js';

test('the package entry resolves a plan and talks to the emulator through the client', async () => {
  // Import through package.json "exports", the way a user of the library would.
  const lib = (await import(pathToFileURL(join(repoRoot(), 'dist', 'src', 'index.js')).href)) as typeof Library;
  const emulator = lib.createEmulator();
  const running = await emulator.listen();
  const home = createTempHome();
  try {
    const env = {
      ...lib.emulatorEnvironment(running.url, emulator.state.scenario),
      CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'),
    };
    const { plan, envLookup, effectiveEnv } = await lib.resolveRoutePlan({ env, homeDir: home.home, cwd: home.cwd, platform: process.platform });
    const auth = (endpoint: 'bedrock' | 'mantle') =>
      lib.createAuthProvider({
        plan: plan.credentials[endpoint],
        env: envLookup,
        subprocessEnv: effectiveEnv,
        homeDir: home.home,
        region: plan.region.value,
        stderr: process.stderr,
        warn: () => {},
      });
    const client = lib.createClient({ plan, auth: { bedrock: auth('bedrock'), mantle: auth('mantle') } });
    const message = await client.messages.create({ max_tokens: 64, messages: [{ role: 'user', content: 'library entry works' }] });
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    assert.match(text, /library entry works/);
  } finally {
    await running.close();
    home.cleanup();
  }
});
