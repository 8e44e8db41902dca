import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../core/command-io.js';
import { LineEditor } from './line-editor.js';
import { parseSlashCommand } from './slash-commands.js';

function pipedIO(): { io: CliIO; input: PassThrough; output: () => string } {
  const input = new PassThrough();
  const stdout = new PassThrough();
  let written = '';
  stdout.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  const io: CliIO = { stdin: input, stdout, stderr: new PassThrough(), env: {}, cwd: '/', homeDir: '/', platform: 'linux', interactive: false };
  return { io, input, output: () => written };
}

describe('LineEditor with piped input', () => {
  test('lines that arrive together are queued, echoed after the prompt, then end of input is undefined', async () => {
    const { io, input, output } = pipedIO();
    const editor = new LineEditor(io, { onInterrupt: () => undefined });
    input.end('first\nsecond\n');
    assert.equal(await editor.read('> '), 'first');
    assert.equal(await editor.read('> '), 'second');
    assert.equal(await editor.read('> '), undefined);
    assert.equal(output(), '> first\n> second\n> \n');
    editor.close();
  });

  test('close() ends a pending read', async () => {
    const { io } = pipedIO();
    const editor = new LineEditor(io, { onInterrupt: () => undefined });
    const pending = editor.read('> ');
    editor.close();
    assert.equal(await pending, undefined);
  });
});

describe('parseSlashCommand', () => {
  test('splits the command from its argument; plain text is not a command', () => {
    assert.deepEqual(parseSlashCommand('/model  opus[1m] '), { name: '/model', argument: 'opus[1m]' });
    assert.deepEqual(parseSlashCommand('/STATUS'), { name: '/status', argument: '' });
    assert.deepEqual(parseSlashCommand('/setup-bedrock'), { name: '/setup-bedrock', argument: '' });
    assert.equal(parseSlashCommand('what does /model do?'), undefined);
  });
});
