/**
 * Where text stops being JSON: the first offset at which the grammar of RFC 8259 fails, found by a
 * scan that keeps its nesting on an explicit stack (so a deeply nested file cannot overflow the call
 * stack). `JSON.parse` says where only for some errors, and differently across Node versions; this
 * scan gives every reader the same answer.
 */

/** The first syntax error of a text: its 0-based offset in UTF-16 units, line and column (1-based). */
export interface JsonErrorPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** What was expected there, e.g. `unexpected end of input`, `expected ',' or '}'`. */
  readonly reason: string;
}

/** Ends the scan at the first error (internal: never escapes locateJsonError). */
class SyntaxStop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * The first syntax error of `text` as JSON, or `undefined` when it is valid JSON (one value, with
 * whitespace around it). Linear in the text's length.
 */
export function locateJsonError(text: string): JsonErrorPosition | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxStop)) throw error;
    return { ...lineAndColumn(text, error.offset), offset: error.offset, reason: error.reason };
  }
}

function scan(text: string): void {
  let at = 0;
  const stack: ('[' | '{')[] = [];
  const skipWhitespace = (): void => {
    while (at < text.length && WHITESPACE.has(text.charAt(at))) at += 1;
  };
  const fail = (expected: string): never => {
    throw new SyntaxStop(at, at >= text.length ? `unexpected end of input (${expected})` : expected);
  };
  const readString = (): void => {
    at += 1; // the opening quote
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const char = text.charAt(at);
      if (char === '"') {
        at += 1;
        return;
      }
      if (char.charCodeAt(0) < 0x20) fail('control character in a string (escape it)');
      if (char === '\\') {
        const escaped = text.charAt(at + 1);
        if (escaped === 'u') {
          HEX4.lastIndex = at + 2;
          if (!HEX4.test(text)) fail('expected 4 hex digits after \\u');
          at += 6;
        } else if (ESCAPES.has(escaped)) at += 2;
        else fail('invalid escape in a string');
      } else at += 1;
    }
  };
  const readKey = (): void => {
    skipWhitespace();
    if (text.charAt(at) !== '"') fail('expected a double-quoted property name');
    readString();
    skipWhitespace();
    if (text.charAt(at) !== ':') fail("expected ':' after a property name");
    at += 1;
  };

  for (;;) {
    // A value.
    skipWhitespace();
    const char = text.charAt(at);
    let closedAll = false;
    if (char === '{' || char === '[') {
      at += 1;
      skipWhitespace();
      const close = char === '{' ? '}' : ']';
      if (text.charAt(at) === close) at += 1;
      else {
        stack.push(char);
        if (char === '{') readKey();
        continue;
      }
    } else if (char === '"') readString();
    else if (text.startsWith('true', at)) at += 4;
    else if (text.startsWith('false', at)) at += 5;
    else if (text.startsWith('null', at)) at += 4;
    else {
      NUMBER.lastIndex = at;
      const number = NUMBER.exec(text);
      if (number === null) fail('expected a value');
      else at += number[0].length;
    }
    // After a value: close containers, or go on to the next element.
    for (;;) {
      skipWhitespace();
      const open = stack[stack.length - 1];
      if (open === undefined) {
        if (at < text.length) fail('unexpected text after the JSON value');
        closedAll = true;
        break;
      }
      const next = text.charAt(at);
      const close = open === '{' ? '}' : ']';
      if (next === close) {
        stack.pop();
        at += 1;
      } else if (next === ',') {
        at += 1;
        if (open === '{') readKey();
        break;
      } else fail(`expected ',' or '${close}'`);
    }
    if (closedAll) return;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
