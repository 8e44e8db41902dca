/**
 * Token usage read off an Anthropic SSE stream as it passes through unchanged (Mantle's answers),
 * so the gateway's log lines and `cc_bedrock_gateway_tokens_total` count Mantle traffic as they
 * count Invoke traffic. Only `data:` lines that mention usage are parsed: message_start carries
 * the input tokens, message_delta the output tokens so far.
 */
import { usageOf } from './event-stream.js';

/** A line longer than this is no usage event; it is skipped rather than buffered without end. */
const MAX_LINE_CHARS = 1024 * 1024;

export class SseUsageReader {
  readonly #decoder = new TextDecoder();
  readonly #onUsage: (input: number | undefined, output: number | undefined) => void;
  #tail = '';
  #skippingLongLine = false;

  constructor(onUsage: (input: number | undefined, output: number | undefined) => void) {
    this.#onUsage = onUsage;
  }

  push(chunk: Uint8Array): void {
    const text = this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      const line = this.#tail + text.slice(start, end);
      this.#tail = '';
      start = end + 1;
      if (this.#skippingLongLine) {
        this.#skippingLongLine = false;
        continue;
      }
      this.#line(line);
    }
    if (this.#skippingLongLine) return;
    this.#tail += text.slice(start);
    if (this.#tail.length > MAX_LINE_CHARS) {
      this.#tail = '';
      this.#skippingLongLine = true;
    }
  }

  #line(line: string): void {
    if (!line.startsWith('data:') || !line.includes('"usage"')) return;
    let event: unknown;
    try {
      // JSON.parse ignores the surrounding whitespace, a CR of CRLF line ends included.
      event = JSON.parse(line.slice(5));
    } catch {
      return;
    }
    if (typeof event !== 'object' || event === null) return;
    const usage = usageOf(event as Record<string, unknown>);
    if (usage.input !== undefined || usage.output !== undefined) this.#onUsage(usage.input, usage.output);
  }
}
