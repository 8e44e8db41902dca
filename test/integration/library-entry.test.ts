/**
 * The package as a library: the root entry resolves and talks to the emulator (explicit form and
 * `openClient`), and examples/library-usage.ts uses only the public surface (`import ... from
 * 'cc-bedrock'`), type-checks against the published types and runs with `createClient()`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv, runProcess } from '../helpers/run-cli.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import type * as Library from '../../src/index.js';

const example = () => join(repoRoot(), 'examples', 'library-usage.ts');
const importLibrary = async () => (await import(pathToFileURL(join(repoRoot(), 'dist', 'src', 'index.js')).href)) as typeof Library;

/** The library imported through its entry, a running emulator and a temp home, and the env pointing at them. */
async function withEmulatedLibrary(body: (lib: typeof Library, env: Record<string, string>, home: TempHome) => Promise<void>): Promise<void> {
  // Import through package.json "exports", the way a user of the library would.
  const lib = await importLibrary();
  const emulator = lib.createEmulator();
  const running = await emulator.listen();
  const home = createTempHome();
  try {
    await body(lib, { ...lib.emulatorEnvironment(running.url, emulator.state.scenario), CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') }, home);
  } finally {
    await running.close();
    home.cleanup();
  }
}

const replyText = (message: Awaited<ReturnType<Library.BedrockMessages['create']>>): string =>
  message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

test('the package entry resolves a plan and talks to the emulator through the client', () =>
  withEmulatedLibrary(async (lib, env, home) => {
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
    assert.match(replyText(message), /library entry works/);
  }));

test('openClient resolves settings and env passed in (no process.*) into a working client', () =>
  withEmulatedLibrary(async (lib, env, home) => {
    const opened = await lib.openClient({ env, homeDir: home.home, cwd: home.cwd, platform: process.platform, stderr: process.stderr });
    assert.equal(opened.client.plan, opened.plan);
    const message = await opened.client.messages.create({ max_tokens: 64, messages: [{ role: 'user', content: 'opened from inputs' }] });
    assert.match(replyText(message), /opened from inputs/);
  }));

test('examples/library-usage.ts imports only the package root and node built-ins', () => {
  const imports = ts.preProcessFile(readFileSync(example(), 'utf8'), true, true).importedFiles.map((file) => file.fileName);
  assert.ok(imports.includes('cc-bedrock'), `the example does not import from 'cc-bedrock': ${imports.join(', ')}`);
  const deep = imports.filter((name) => name !== 'cc-bedrock' && !name.startsWith('node:'));
  assert.deepEqual(deep, [], 'the example imports something other than the public entry');
});

test('examples/library-usage.ts type-checks against the published types of the package', async () => {
  const home = createTempHome();
  try {
    // 'cc-bedrock' resolves by the package's self-reference through package.json "exports", so
    // only what dist/src/index.d.ts exports is visible; a deep path (cc-bedrock/dist/...) is not.
    const config = join(home.root, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(repoRoot(), 'node_modules', '@types')] },
        files: [example()],
      }),
    );
    const tsc = await runProcess(process.execPath, [join(repoRoot(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { timeoutMs: 120_000 });
    assert.equal(tsc.code, 0, `tsc on the example:\n${tsc.stdout}\n${tsc.stderr}`);
  } finally {
    home.cleanup();
  }
});

test('examples/library-usage.ts --emulator runs through createClient() with no arguments', async () => {
  assert.ok(existsSync(join(repoRoot(), 'dist', 'bundle', 'index.js')), 'dist/bundle/index.js is missing: run `npm run build && npm run bundle` (npm test does)');
  const home = createTempHome();
  try {
    const ran = await runProcess(process.execPath, ['--import', 'tsx', example(), '--emulator'], { env: hermeticEnv(home), cwd: repoRoot(), timeoutMs: 120_000 });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /^model \S+ in \S+ via http:\/\/127\.0\.0\.1:\d+/m);
    assert.match(ran.stdout, /countTokens: \d+/);
  } finally {
    home.cleanup();
  }
});
