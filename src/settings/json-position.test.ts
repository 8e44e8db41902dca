import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findJsonSyntaxProblem, lineAndColumn, positionFromParseError } from './json-position.js';

const valid = [
  '{}',
  '[]',
  ' {"a": [1, -2.5e10, true, false, null, "x\\n\\u00e9\\"", {"b": {}}]} ',
  '"just a string"',
  '0',
];
for (const text of valid) {
  test(`accepts what JSON.parse accepts: ${text.trim().slice(0, 20)}`, () => {
    JSON.parse(text);
    assert.equal(findJsonSyntaxProblem(text), undefined);
  });
}

const invalid: Array<[string, number, number, RegExp]> = [
  ['{"a": 01}', 1, 8, /expected ',' or '}'/],
  ['{"a": "\\x"}', 1, 8, /invalid escape/],
  ['{"a": "\\u12G4"}', 1, 8, /\\u escape/],
  ["{'a': 1}", 1, 2, /double-quoted property name/],
  ['{"a": \'b\'}', 1, 7, /double quotes/],
  ['[1, 2,]', 1, 7, /trailing comma/],
  ['[1 2]', 1, 4, /expected ',' or ']'/],
  ['{"a": 1} x', 1, 10, /after the end/],
  ['{"a": -}', 1, 7, /expected a value/],
  ['{"a": tru}', 1, 7, /expected a value/],
  ['', 1, 1, /end of file/],
  ['{\r\n"a" 1}', 2, 5, /expected ':'/],
];
for (const [text, line, column, reason] of invalid) {
  test(`locates ${JSON.stringify(text)} at ${line}:${column}`, () => {
    assert.throws(() => JSON.parse(text));
    const problem = findJsonSyntaxProblem(text);
    assert.ok(problem);
    assert.deepEqual([problem.line, problem.column], [line, column]);
    assert.match(problem.reason, reason);
  });
}

test('the reason never quotes the text', () => {
  const secret = 'plantedSecretValue123';
  const problem = findJsonSyntaxProblem(`{"k": ${secret}}`);
  assert.ok(problem && !problem.reason.includes('planted'));
});

test('lineAndColumn counts lines from 1', () => {
  assert.deepEqual(lineAndColumn('ab\ncd', 4), { line: 2, column: 2 });
  assert.deepEqual(lineAndColumn('ab', 0), { line: 1, column: 1 });
});

test('positionFromParseError reads the V8 position when there is one', () => {
  const problem = positionFromParseError('{\n"a":1,}', new SyntaxError('Expected double-quoted property name in JSON at position 8'));
  assert.deepEqual([problem.line, problem.column], [2, 7]);
  assert.equal(positionFromParseError('ab', new SyntaxError('other')).offset, 2);
});
