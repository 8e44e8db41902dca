/**
 * `cc-bedrock doctor` end to end: a configuration (files of a temp tree, shell variables, an
 * optional fake `claude` on PATH) runs through the built CLI, and the tests look up findings of
 * the JSON report.
 */
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { hermeticEnv, runCli, type CliResult } from './run-cli.js';
import { assertNoSecrets } from './secrets.js';
import type { TempHome, TempHomePool } from './temp-home.js';

export interface DoctorCheck {
  id: string;
  category: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  title: string;
  detail: string;
  fix: string | null;
}

export interface DoctorReport {
  schema: string;
  ok: boolean;
  summary: Record<string, number>;
  checks: DoctorCheck[];
}

export interface DoctorSetup {
  /**
   * Files of the temp tree, keyed as for createTempHome. Files under `bin/` are made executable,
   * and `$ROOT` in home/.claude/settings.json stands for the temp tree's root.
   */
  files?: Record<string, string | object>;
  env?: Record<string, string>;
  /** Version the fake `claude` on PATH prints; none on PATH when omitted. */
  claude?: string;
}

export interface DoctorOutcome extends CliResult {
  /** The parsed report of a `--json` run; an empty report otherwise. */
  report: DoctorReport;
  home: TempHome;
}

export interface RunDoctorOptions {
  /** Further checks of the raw output, made right after the planted-secrets check. */
  readonly assertOutput?: (result: CliResult) => void;
}

/** Builds the setup's temp tree (from `homes`, which cleans it up), runs `cc-bedrock doctor <args>` in it. */
export async function runDoctor(homes: TempHomePool, setup: DoctorSetup, args: string[], options: RunDoctorOptions = {}): Promise<DoctorOutcome> {
  const home = homes.create(setup.files ?? {});
  let path = '/usr/bin:/bin';
  if (setup.claude) {
    const script = home.write('bin/claude', `#!/bin/sh\necho "${setup.claude} (Claude Code)"\n`);
    chmodSync(script, 0o755);
    path = `${join(home.root, 'bin')}:${path}`;
  }
  for (const relative of Object.keys(setup.files ?? {})) if (relative.startsWith('bin/')) chmodSync(join(home.root, relative), 0o755);
  // Settings can name files of the temp tree as $ROOT/…; rewrite them now that the tree exists.
  const settingsFile = setup.files?.['home/.claude/settings.json'];
  if (settingsFile) home.write('home/.claude/settings.json', JSON.parse(JSON.stringify(settingsFile).replaceAll('$ROOT', home.root)) as object);
  const result = await runCli(['doctor', ...args], { cwd: home.cwd, env: { PATH: path, ...hermeticEnv(home), ...setup.env } });
  assertNoSecrets(result.stdout + result.stderr, 'doctor output');
  options.assertOutput?.(result);
  const report = args.includes('--json') ? (JSON.parse(result.stdout) as DoctorReport) : { schema: '', ok: false, summary: {}, checks: [] };
  return { ...result, report, home };
}

export function findings(outcome: DoctorOutcome, id: string): DoctorCheck[] {
  return outcome.report.checks.filter((check) => check.id === id);
}

/** The finding `id` with `status` (whose title or detail matches `match`, if given); fails when there is none. */
export function finding(outcome: DoctorOutcome, id: string, status: DoctorCheck['status'], match?: RegExp): DoctorCheck {
  const found = findings(outcome, id).find((check) => check.status === status && (!match || match.test(`${check.title}\n${check.detail}`)));
  assert.ok(found, `no ${status} finding ${id}${match ? ` matching ${match}` : ''}; got ${JSON.stringify(findings(outcome, id), null, 2)}`);
  return found;
}

/** Outcomes of named configurations that all run once, at the same time, in a `before` hook. */
export class DoctorOutcomes<Name extends string> {
  private readonly outcomes = new Map<Name, DoctorOutcome>();

  /** Runs every configuration at once and keeps each outcome under its name. */
  async runEach<Configs extends Record<Name, unknown>>(configs: Configs, run: (config: Configs[Name]) => Promise<DoctorOutcome>): Promise<void> {
    const entries = Object.entries(configs) as Array<[Name, Configs[Name]]>;
    const results = await Promise.all(entries.map(([, config]) => run(config)));
    entries.forEach(([name], index) => this.outcomes.set(name, results[index]!));
  }

  /** The outcome of `name`; an arrow, so it can be passed around on its own. */
  readonly get = (name: Name): DoctorOutcome => {
    const outcome = this.outcomes.get(name);
    assert.ok(outcome, `configuration ${name} did not run`);
    return outcome;
  };
}
