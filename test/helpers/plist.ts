import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Parses an XML property list with Python's plistlib (standard library), an independent parser
 * for what `setup --managed` writes. To be replaced by the `plist` npm package once it is a
 * dev dependency.
 */
export function parsePlistXml(xml: string): Record<string, unknown> {
  const result = spawnSync('python3', ['-c', 'import json, plistlib, sys; json.dump(plistlib.loads(sys.stdin.buffer.read()), sys.stdout)'], {
    input: xml,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}
