/**
 * `cc-bedrock serve` as a child process: started from source under tsx when the test runs from
 * source, else the compiled CLI; `listening` resolves with its URL once it accepts connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './repo-root.js';

export interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** The CLI from source under tsx when this test runs from source, else the compiled one. */
export function cliCommand(): string[] {
  const root = repoRoot();
  // tsx is resolved from the repository, not from the child's working directory (a temp dir).
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return import.meta.url.endsWith('.ts') ? ['--import', tsx, join(root, 'src', 'cli', 'main.ts')] : [join(root, 'dist', 'src', 'cli', 'main.js')];
}

export function runServe(args: string[], env: Record<string, string>, cwd: string): Served & { listening: Promise<string> } {
  const child = spawn(process.execPath, [...cliCommand(), 'serve', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let url = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^cc-bedrock gateway listening on (http:\/\/\S+)\n/.exec(stdout);
      if (match && !url) {
        url = match[1]!;
        resolve(url);
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${stdout}\n${stderr}`)));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return {
    child,
    get url() {
      return url;
    },
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    listening,
  };
}
