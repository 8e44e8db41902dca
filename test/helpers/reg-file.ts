/**
 * A reader for Windows .reg files (regedit's "Windows Registry Editor Version 5.00" format), for
 * checking what `setup --managed` writes. No maintained npm package parses .reg text (the
 * registry packages talk to a live registry), so this one covers the part tests need:
 *
 * - the header line, then `[KEY]` sections and `"name"="data"` string values (REG_SZ);
 * - in string data `\\` is a backslash and `\"` a quote; any other backslash sequence is an error
 *   (regedit would store something else than the author meant);
 * - blank lines and `;` comments are skipped; `[-KEY]`, `"name"=-`, `hex:` and `dword:` values and
 *   `\` line continuations are rejected rather than misread.
 */
export interface RegFile {
  /** Key path → value name → string data. */
  readonly keys: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

function unescapeRegString(raw: string, lineNo: number): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i];
    if (c === '"') throw new Error(`.reg line ${lineNo}: unescaped quote inside a string`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next !== '\\' && next !== '"') throw new Error(`.reg line ${lineNo}: unknown escape \\${next ?? ''}`);
    out += next;
    i += 1;
  }
  return out;
}

export function parseRegFile(text: string): RegFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n/);
  if (lines[0] !== 'Windows Registry Editor Version 5.00') throw new Error('.reg: the first line must be "Windows Registry Editor Version 5.00" (CRLF line ends)');
  if (/(^|[^\r])\n/.test(text)) throw new Error('.reg: a line ends in LF without CR');
  const keys = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  lines.slice(1).forEach((line, index) => {
    const lineNo = index + 2;
    if (line.trim() === '' || line.startsWith(';')) return;
    const section = /^\[([^\]-][^\]]*)\]$/.exec(line);
    if (section?.[1]) {
      current = new Map();
      keys.set(section[1], current);
      return;
    }
    const value = /^"((?:[^"\\]|\\.)*)"="(.*)"$/.exec(line);
    if (!value || value[1] === undefined || value[2] === undefined) throw new Error(`.reg line ${lineNo}: not a "name"="string" value: ${line.slice(0, 60)}`);
    if (!current) throw new Error(`.reg line ${lineNo}: a value before any [KEY]`);
    current.set(unescapeRegString(value[1], lineNo), unescapeRegString(value[2], lineNo));
  });
  return { keys };
}
