/** The wizard's output: one place where every line is scrubbed of secrets. */
import type { Writable } from 'node:stream';

export /**
 * Every line goes through here: typed secrets (and any secret found in the environment) are
 * replaced before they can reach the terminal, whatever message carries them.
 */
class Output {
  private readonly secrets = new Set<string>();
  private progressOpen = false;

  constructor(
    private readonly stream: Writable,
    private readonly live: boolean,
  ) {}

  addSecret(value: string | undefined): void {
    if (value && value.length >= 8) this.secrets.add(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('<hidden>');
    return out;
  }

  line(text = ''): void {
    this.endProgress();
    this.stream.write(`${this.scrub(text)}\n`);
  }

  lines(texts: readonly string[]): void {
    for (const text of texts) this.line(text);
  }

  /** A status line rewritten in place on a terminal; only the final state elsewhere. */
  progress(text: string, final: boolean): void {
    if (this.live) {
      this.stream.write(`\r\x1b[2K${this.scrub(text)}`);
      this.progressOpen = !final;
      if (final) this.stream.write('\n');
    } else if (final) {
      this.stream.write(`${this.scrub(text)}\n`);
    }
  }

  private endProgress(): void {
    if (this.progressOpen) {
      this.stream.write('\n');
      this.progressOpen = false;
    }
  }
}

