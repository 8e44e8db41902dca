/**
 * A small terminal screen for pseudo-terminal tests: applies the output of a full-screen program
 * (Claude Code's Ink UI) to a grid of cells, so a test reads what is on screen now, not the
 * stream of partial redraws that produced it. Handles what Ink writes: printable text, CR/LF,
 * cursor moves (CSI A B C D E F G H d), erase in line and display (CSI K, J), scrolling at the
 * bottom; colours and other sequences are dropped. One cell per code point (the UIs under test
 * draw no double-width characters in the parts that are read).
 */
export class TerminalScreen {
  private cells: string[][];
  private x = 0;
  private y = 0;
  private pending = '';

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.cells = Array.from({ length: rows }, () => this.blankRow());
  }

  /** The screen as lines, trailing blanks trimmed. */
  lines(): string[] {
    return this.cells.map((row) => row.join('').trimEnd());
  }

  text(): string {
    return this.lines().join('\n');
  }

  write(data: string): void {
    const input = this.pending + data;
    this.pending = '';
    let i = 0;
    while (i < input.length) {
      const ch = input[i]!;
      if (ch === '\x1b') {
        const consumed = this.escape(input, i);
        if (consumed === 0) {
          // An escape sequence split across chunks: keep it for the next write.
          this.pending = input.slice(i);
          return;
        }
        i += consumed;
        continue;
      }
      i += ch.length;
      if (ch === '\r') this.x = 0;
      else if (ch === '\n') this.lineFeed();
      else if (ch === '\b') this.x = Math.max(0, this.x - 1);
      else if (ch >= ' ' && ch !== '\x7f') this.put(input.codePointAt(i - 1)!);
    }
  }

  private blankRow(): string[] {
    return Array.from({ length: this.cols }, () => ' ');
  }

  private put(codePoint: number): void {
    const ch = String.fromCodePoint(codePoint);
    if (codePoint >= 0xdc00 && codePoint <= 0xdfff) return; // the low half of a pair already written
    if (this.x >= this.cols) {
      this.x = 0;
      this.lineFeed();
    }
    this.cells[this.y]![this.x] = ch;
    this.x += 1;
  }

  private lineFeed(): void {
    if (this.y === this.rows - 1) {
      this.cells.shift();
      this.cells.push(this.blankRow());
    } else {
      this.y += 1;
    }
  }

  /** Applies the escape sequence at `start`; returns its length, or 0 when it is not complete yet. */
  private escape(input: string, start: number): number {
    const next = input[start + 1];
    if (next === undefined) return 0;
    if (next === '[') {
      // After ESC [: private marker, parameters, intermediates, final byte.
      const match = /^\[([?>=]?)([\d;]*)([ -/]*)([@-~])/.exec(input.slice(start + 1, start + 64));
      if (!match) return input.length - start < 64 ? 0 : 2;
      if (match[1] === '' && match[3] === '') this.csi(match[4]!, match[2]!.split(';').map((n) => (n === '' ? undefined : Number(n))));
      return match[0].length + 1;
    }
    if (next === ']') {
      // OSC: up to BEL or ST.
      const bel = input.indexOf('\x07', start);
      const st = input.indexOf('\x1b\\', start);
      const ends = [bel === -1 ? -1 : bel + 1, st === -1 ? -1 : st + 2].filter((n) => n > 0);
      return ends.length === 0 ? 0 : Math.min(...ends) - start;
    }
    if (next === '(' || next === ')') return input.length - start < 3 ? 0 : 3;
    return 2;
  }

  private csi(final: string, params: (number | undefined)[]): void {
    const n = params[0] ?? 1;
    const clampY = (value: number) => Math.min(this.rows - 1, Math.max(0, value));
    const clampX = (value: number) => Math.min(this.cols - 1, Math.max(0, value));
    switch (final) {
      case 'A':
        this.y = clampY(this.y - n);
        break;
      case 'B':
        this.y = clampY(this.y + n);
        break;
      case 'C':
        this.x = clampX(this.x + n);
        break;
      case 'D':
        this.x = clampX(this.x - n);
        break;
      case 'E':
        this.y = clampY(this.y + n);
        this.x = 0;
        break;
      case 'F':
        this.y = clampY(this.y - n);
        this.x = 0;
        break;
      case 'G':
        this.x = clampX(n - 1);
        break;
      case 'd':
        this.y = clampY(n - 1);
        break;
      case 'H':
      case 'f':
        this.y = clampY((params[0] ?? 1) - 1);
        this.x = clampX((params[1] ?? 1) - 1);
        break;
      case 'K': {
        const mode = params[0] ?? 0;
        const row = this.cells[this.y]!;
        const [from, to] = mode === 0 ? [this.x, this.cols] : mode === 1 ? [0, this.x + 1] : [0, this.cols];
        for (let c = from; c < to; c += 1) row[c] = ' ';
        break;
      }
      case 'J': {
        const mode = params[0] ?? 0;
        if (mode === 2 || mode === 3) {
          this.cells = Array.from({ length: this.rows }, () => this.blankRow());
        } else if (mode === 0) {
          this.csi('K', [0]);
          for (let r = this.y + 1; r < this.rows; r += 1) this.cells[r] = this.blankRow();
        } else {
          this.csi('K', [1]);
          for (let r = 0; r < this.y; r += 1) this.cells[r] = this.blankRow();
        }
        break;
      }
      default:
        // Colours (m), modes (h/l), scroll regions and the rest do not move text.
        break;
    }
  }
}
