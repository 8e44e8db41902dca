/**
 * What the CLI says on stderr while a call waits without a byte, so nobody stares at a silent
 * terminal: the facts (what, from where, how long, until when) come from the wire layer.
 */
import { formatWait, type OnWaiting, type WaitingFacts } from '../bedrock/deadlines.js';

export function waitingNotice(facts: WaitingFacts): string {
  const from = `${facts.host} (model ${facts.modelId})`;
  const so = `${formatWait(facts.waitedMs)} so far, giving up at ${formatWait(facts.limitMs)}`;
  return facts.phase === 'response'
    ? `cc-bedrock: waiting for the first byte from ${from}, ${so}\n`
    : `cc-bedrock: waiting for the stream from ${from} to go on, nothing for ${so}\n`;
}

export function waitingNotices(stderr: { write(text: string): unknown }): OnWaiting {
  return (facts) => {
    stderr.write(waitingNotice(facts));
  };
}
