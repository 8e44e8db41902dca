import { ENV_VARS, findEnvVar, findMisnamedVariable, type MisnamedVariable } from '../../settings/env-vars.js';
import { editDistance } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

const KNOWN_ENV_NAMES = ENV_VARS.filter((entry) => entry.kind === 'env').map((entry) => entry.name);

/**
 * A name that is almost a variable Claude Code reads (one or two characters off), in the
 * namespaces where a typo matters. AWS service endpoint variables are left alone: the SDK reads
 * one per service (AWS_ENDPOINT_URL_SSO is not a typo of AWS_ENDPOINT_URL_STS).
 */
function nearMiss(name: string): MisnamedVariable | undefined {
  if (!/^(ANTHROPIC_|CLAUDE_CODE_|CLAUDE_|AWS_)/.test(name) || name.startsWith('AWS_ENDPOINT_URL_') || name.length < 10) return undefined;
  if (findEnvVar(name)) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const known of KNOWN_ENV_NAMES) {
    const distance = editDistance(name, known, 2);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: known, distance };
  }
  return best ? { name, correct: best.name, note: 'one or two characters away from it' } : undefined;
}

/** Variables that do not exist: known wrong names (spec §1.8), wrong case, and near-typos. */
export const settingsMisnamedVariables: Check = {
  id: 'settings.misnamed-variables',
  category: 'settings',
  title: 'Every variable set is one Claude Code reads',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    const isSet = (name: string): boolean =>
      facts.env.shellNames.includes(name) || facts.settings.files.some((file) => file.envNames.includes(name));
    const report = (name: string, where: string, fix: string): void => {
      const wrong = findMisnamedVariable(name) ?? nearMiss(name);
      if (!wrong) return;
      const correctSet = isSet(wrong.correct);
      const detail = `${name} (${where}) is not read by Claude Code or cc-bedrock; the variable is ${wrong.correct} (${wrong.note})${
        correctSet ? `. ${wrong.correct} is also set, so ${name} is only clutter` : `, which is not set, so this setting has no effect`
      }`;
      const make = correctSet ? f.warn : f.fail;
      out.push(make(`${name} is not a Claude Code variable`, detail, fix.replaceAll('{correct}', wrong.correct)));
    };
    for (const file of facts.settings.files) {
      for (const name of file.envNames) report(name, `env block of ${file.label}`, `Rename env.${name} to env.{correct} in ${file.label}.`);
    }
    for (const name of facts.env.shellNames) {
      report(name, 'shell environment', `export {correct}="$${name}"; unset ${name}   (and fix it where it is exported, e.g. your shell profile)`);
    }
    if (out.length === 0) out.push(f.ok('No misnamed variables', 'no variable in the shell or any settings env block is a known wrong name or a near-typo of a real one'));
    return out;
  },
};
