/**
 * CLI conventions over the spawned CLI: `help <command>`, generated shell completion, and colour
 * that follows FORCE_COLOR / NO_COLOR / the terminal.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hermeticEnv, runCli, runProcess } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

function cli(args: string[], env: Record<string, string> = {}) {
  const home = homes.create();
  return runCli(args, { cwd: home.cwd, env: { ...hermeticEnv(home), ...env } });
}

/** The command names `cc-bedrock --help` lists. */
async function listedCommands(): Promise<string[]> {
  const help = await cli(['--help']);
  const section = help.stdout.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1] ?? '');
}

describe('help <command>', () => {
  test('cc-bedrock help setup prints the setup help, exit 0', async () => {
    const result = await cli(['help', 'setup']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: cc-bedrock setup \[options\]/);
    assert.match(result.stdout, /--aws-credential-export/);
  });
});

describe('completion', () => {
  test('bash: the generated function completes commands, options and option choices', async () => {
    const script = await cli(['completion', 'bash']);
    assert.equal(script.code, 0, script.stderr);
    const home = homes.create();
    const file = join(home.root, 'completion.bash');
    writeFileSync(file, script.stdout);
    const probe = (words: string[]): string =>
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cc_bedrock; echo "\${COMPREPLY[*]}"`;
    const result = await runProcess('bash', ['-c', [`source '${file}'`, probe(['cc-bedrock', 'em']), probe(['cc-bedrock', 'setup', '--auth', 'a']), probe(['cc-bedrock', 'emulate', '--env'])].join('\n')]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['emulate', 'api-key access-keys', '--env-out']);
  });

  test('zsh and fish scripts name every command the CLI lists', async () => {
    const commands = await listedCommands();
    assert.ok(commands.includes('completion') && commands.includes('setup'), commands.join(' '));
    for (const shell of ['zsh', 'fish']) {
      const script = await cli(['completion', shell]);
      assert.equal(script.code, 0, script.stderr);
      for (const command of commands) assert.ok(script.stdout.includes(shell === 'zsh' ? `'${command}:` : `-a ${command} `), `${shell}: ${command}`);
    }
  });

  test('an unknown shell is a usage error naming the choices', async () => {
    const result = await cli(['completion', 'tcsh']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bash, zsh or fish/);
  });
});

describe('colour', () => {
  const ESC = '\u001b[';
  test('doctor marks are coloured with FORCE_COLOR, plain in a pipe and with NO_COLOR', async () => {
    const forced = await cli(['doctor', '--offline'], { FORCE_COLOR: '1' });
    assert.ok(forced.stdout.includes(`${ESC}`), forced.stdout);
    const piped = await cli(['doctor', '--offline']);
    assert.ok(!piped.stdout.includes(ESC));
    const noColor = await cli(['doctor', '--offline'], { NO_COLOR: '1' });
    assert.ok(!noColor.stdout.includes(ESC));
  });
});
