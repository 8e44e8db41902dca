/**
 * The library's public surface, as a developer sees it in the published types
 * (dist/src/index.d.ts, package.json "exports" types): every root export carries TSDoc, and every
 * named type in the parameters of an exported function is itself a root export, so options can be
 * typed without a deep import.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../helpers/repo-root.js';

const entry = join(repoRoot(), 'dist', 'src', 'index.d.ts');
const ownTypes = join(repoRoot(), 'dist', 'src') + sep;

function publicSurface() {
  assert.ok(existsSync(entry), `${entry} is missing: run \`npx tsc -p .\``);
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  assert.ok(source);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol);
  const resolve = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const exports = checker.getExportsOfModule(moduleSymbol).map((symbol) => ({ name: symbol.getName(), symbol: resolve(symbol) }));
  return { checker, exports, resolve };
}

test('every root export of the package has a TSDoc comment', () => {
  const { checker, exports } = publicSurface();
  assert.ok(exports.length > 30, `only ${exports.length} root exports found`);
  const undocumented = exports
    .filter(({ symbol }) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '')
    .map(({ name }) => name);
  assert.deepEqual(undocumented, [], `root exports without a TSDoc summary: ${undocumented.join(', ')}`);
});

test('the main root exports show an @example', () => {
  const { exports } = publicSurface();
  const main = ['createClient', 'openClient', 'resolveRoutePlan', 'createAuthProvider', 'discoverAvailability', 'createEmulator', 'createGateway'];
  const withoutExample = main.filter((name) => {
    const found = exports.find((e) => e.name === name);
    assert.ok(found, `${name} is not a root export`);
    return !found.symbol.getDeclarations()?.some((declaration) => ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'));
  });
  assert.deepEqual(withoutExample, []);
});

test("every named type in an exported function's parameters is a root export too", () => {
  const { checker, exports, resolve } = publicSurface();
  const exported = new Set(exports.map(({ symbol }) => symbol));
  const missing = new Set<string>();
  const visit = (node: ts.Node, owner: string): void => {
    if (ts.isTypeReferenceNode(node)) {
      const referenced = checker.getSymbolAtLocation(node.typeName);
      const symbol = referenced && resolve(referenced);
      const declaredHere = symbol?.getDeclarations()?.some((d) => d.getSourceFile().fileName.startsWith(ownTypes)) ?? false;
      if (symbol && declaredHere && !(symbol.flags & ts.SymbolFlags.TypeParameter) && !exported.has(symbol)) missing.add(`${owner}: ${symbol.getName()}`);
    }
    ts.forEachChild(node, (child) => visit(child, owner));
  };
  for (const { name, symbol } of exports) {
    if (!(symbol.flags & ts.SymbolFlags.Function)) continue;
    for (const declaration of symbol.getDeclarations() ?? []) {
      if (!ts.isFunctionDeclaration(declaration)) continue;
      for (const parameter of declaration.parameters) if (parameter.type) visit(parameter.type, name);
    }
  }
  assert.deepEqual([...missing].sort(), [], 'parameter types a developer cannot import from the package root');
});
