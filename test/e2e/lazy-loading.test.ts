/**
 * No command loads what it does not use: `status` loads neither the gateway, the emulator, the
 * setup wizard nor the SDKs; `emulate` loads no gateway or wizard; `serve` no emulator or wizard.
 * Checked twice: at run time, on tsc's output, with a module-resolution hook logging every module
 * the command loads; and in the published bundle, from esbuild's metafile (the chunks a command
 * imports statically are exactly what it loads before it runs).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv, runProcess } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

/** What each command must not load: our modules by folder, dependencies by package. */
const FORBIDDEN: Record<string, readonly string[]> = {
  // zod: only a settings value the plain type checks reject needs it (chunks/lazy-zod.cjs in the bundle).
  status: ['src/gateway/', 'src/emulator/', 'src/setup/', 'src/cli/commands/setup', 'node_modules/@anthropic-ai/', 'node_modules/@aws-sdk/', 'node_modules/@inquirer/', 'node_modules/zod/'],
  emulate: ['src/gateway/', 'src/setup/', 'src/cli/commands/setup', 'node_modules/@inquirer/'],
  serve: ['src/emulator/', 'src/setup/', 'src/cli/commands/setup', 'node_modules/@inquirer/'],
};

/** Modules (as repository-relative paths or node_modules/… paths) that `cc-bedrock <args>` loads. */
async function loadedModules(args: string[], stopAfterStart: boolean): Promise<string[]> {
  const home = homes.create();
  const log = join(home.root, 'loaded.txt');
  writeFileSync(log, '');
  const hooks = join(home.root, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');\n  return result;\n}\n`);
  const register = join(home.root, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const cli = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  // serve and emulate run until stopped: the guard stops them once they have started (their
  // modules are all loaded by then); status ends by itself.
  const result = await runProcess(process.execPath, ['--import', pathToFileURL(register).href, cli, ...args], {
    env: { ...hermeticEnv(home), CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLELAZYLOAD1', AWS_SECRET_ACCESS_KEY: 'lazy/load/example/secret/0000000000000000' },
    stdin: 'ignore',
    timeoutMs: stopAfterStart ? 8_000 : 60_000,
  });
  if (!stopAfterStart) assert.equal(result.code, 0, result.stderr);
  const root = pathToFileURL(repoRoot()).href;
  const loaded = readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:'));
  assert.ok(loaded.some((url) => url.includes(`/cli/commands/${args[0]}.js`)), `the ${args[0]} command module was not seen loading: the hook did not run`);
  return loaded.map((url) => (url.includes('/node_modules/') ? `node_modules/${url.split('/node_modules/').pop()}` : url.replace(`${root}/dist/`, '')));
}

describe('each command loads only its own modules', () => {
  for (const [command, stop] of [['status', false], ['emulate', true], ['serve', true]] as const) {
    test(`${command} (tsc output, traced at run time)`, async () => {
      const args = command === 'status' ? ['status'] : [command, '--port', '0'];
      const loaded = await loadedModules(args, stop);
      const offending = loaded.filter((path) => FORBIDDEN[command]!.some((prefix) => path.startsWith(prefix)));
      assert.deepEqual(offending, [], `${command} loaded modules it does not use`);
    });

    test(`${command} (the published bundle, from its metafile)`, () => {
      const meta = JSON.parse(readFileSync(join(repoRoot(), 'dist', 'bundle', 'meta.json'), 'utf8')) as {
        outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
      };
      const entry = (source: string) => {
        const found = Object.keys(meta.outputs).find((out) => meta.outputs[out]!.entryPoint === source);
        assert.ok(found, `no output chunk for ${source} in dist/bundle/meta.json`);
        return found;
      };
      const seen = new Set<string>();
      const pending = [entry('src/cli/main.ts'), entry(`src/cli/commands/${command}.ts`)];
      while (pending.length > 0) {
        const out = pending.pop()!;
        if (seen.has(out)) continue;
        seen.add(out);
        for (const imported of meta.outputs[out]!.imports) if (imported.kind === 'import-statement' && meta.outputs[imported.path]) pending.push(imported.path);
      }
      const inputs = [...seen].flatMap((out) => Object.keys(meta.outputs[out]!.inputs));
      const normalised = inputs.map((input) => (input.includes('node_modules/') ? `node_modules/${input.split('node_modules/').pop()}` : input));
      const offending = normalised.filter((path) => FORBIDDEN[command]!.some((prefix) => path.startsWith(prefix)));
      assert.deepEqual(offending, [], `the bundle's ${command} chunks include modules it does not use`);
    });
  }
});

test('the bundle reads zod from its own file when a settings value needs explaining', async () => {
  // status's chunks do not carry zod (above); a wrong type in a settings file still gets zod's
  // account of it, from dist/bundle/chunks/lazy-zod.cjs.
  const home = homes.create({ 'home/.claude/settings.json': { env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 5 }, availableModels: ['sonnet', false] } });
  const result = await runProcess(process.execPath, [join(repoRoot(), 'dist', 'bundle', 'cli.js'), 'status', '--json'], {
    env: hermeticEnv(home),
    stdin: 'ignore',
    timeoutMs: 60_000,
  });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stdout, /env\.AWS_REGION must be a string, found number/);
  assert.match(result.stdout, /availableModels\[1\] must be a string, found boolean/);
});
