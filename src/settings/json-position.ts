/**
 * Finds where a JSON text stops being valid. Node 20's JSON.parse messages are no use to a
 * user here: some give a position, others quote a slice of the file instead (`Unexpected token
 * 'x', "{"AWS_SECRET…" is not valid JSON`), which could echo a secret from a settings `env`
 * block. This scanner follows RFC 8259 and reports an offset plus a reason that never contains
 * file content. It is only run after JSON.parse has already failed.
 */
export interface JsonSyntaxProblem {
  /** Offset into the text (UTF-16 code units). */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

class JsonSyntaxStop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function scan(text: string): void {
  let pos = 0;
  const skipWhitespace = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos += 1;
      else break;
    }
  };
  const fail = (reason: string): never => {
    throw new JsonSyntaxStop(pos, pos >= text.length ? 'unexpected end of file' : reason);
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail('unexpected character (expected a value)');
  };
  const string = (): void => {
    pos += 1;
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 34) {
        pos += 1;
        return;
      }
      if (c < 32) fail('unescaped control character or line break inside a string');
      if (c === 92) {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
            fail('invalid \\u escape in a string');
          }
          pos += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          pos += 2;
        } else {
          fail('invalid escape sequence in a string');
        }
        continue;
      }
      pos += 1;
    }
  };
  const value = (depth: number): void => {
    if (depth > 512) fail('nesting too deep');
    skipWhitespace();
    const c = text[pos];
    if (c === '{') {
      pos += 1;
      skipWhitespace();
      if (text[pos] === '}') {
        pos += 1;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[pos] === '}') fail("trailing comma before '}'");
        if (text[pos] === '/') fail('comments are not allowed in JSON');
        if (text[pos] !== '"') fail('expected a double-quoted property name');
        string();
        skipWhitespace();
        if (text[pos] !== ':') fail("expected ':' after a property name");
        pos += 1;
        value(depth + 1);
        skipWhitespace();
        if (text[pos] === ',') {
          pos += 1;
          continue;
        }
        if (text[pos] === '}') {
          pos += 1;
          return;
        }
        fail("expected ',' or '}' after a property value");
      }
    }
    if (c === '[') {
      pos += 1;
      skipWhitespace();
      if (text[pos] === ']') {
        pos += 1;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[pos] === ']') fail("trailing comma before ']'");
        value(depth + 1);
        skipWhitespace();
        if (text[pos] === ',') {
          pos += 1;
          continue;
        }
        if (text[pos] === ']') {
          pos += 1;
          return;
        }
        fail("expected ',' or ']' after an array element");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '/') fail('comments are not allowed in JSON');
    if (c === "'") fail('strings must use double quotes');
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match && match[0] !== '-') {
      pos += match[0].length;
      return;
    }
    fail('unexpected character (expected a value)');
  };
  value(0);
  skipWhitespace();
  if (pos < text.length) fail('unexpected content after the end of the JSON value');
}

/** The first syntax problem in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntaxStop)) throw error;
    return { offset: error.offset, reason: error.reason, ...lineAndColumn(text, error.offset) };
  }
}

/**
 * Where JSON.parse gave up, for the rare text this scanner accepts but V8 does not: the
 * position from V8's message when it has one, else the end of the text.
 */
export function positionFromParseError(text: string, error: unknown): JsonSyntaxProblem {
  const match = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  const offset = match ? Number(match[1]) : text.length;
  return { offset, reason: 'invalid JSON', ...lineAndColumn(text, offset) };
}
