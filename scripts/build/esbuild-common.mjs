// What the npm bundle (scripts/bundle.mjs) and the standalone executable (scripts/build-sea.mjs)
// share: the esbuild options, the lazy-require rewrite, and the third-party licence file.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Our sources load a few modules lazily and synchronously with `createRequire(import.meta.url)(x)`
 * (zod, in src/settings/settings-schema.ts). esbuild does not follow that call, so the bundle would
 * look for the package on disk at run time; the plugin rewrites it to a plain `require(x)`.
 *
 * Default (the standalone executable, one file): esbuild bundles the module and keeps it lazy
 * (initialised on the first call). With a `lazyPackages` set (the split npm bundle): there a bundled
 * require() would put the module in a chunk that every importer loads statically, so `status`
 * would read and compile zod's 600 kB on every start; instead each such require() points at a
 * CommonJS file of its own, chunks/lazy-<package>.cjs, which `buildLazyRequires` writes and
 * Node reads only when the call runs; the set collects the packages seen.
 */
const LAZY_REQUIRE = /createRequire\(import\.meta\.url\)\(/g;
export function lazyRequirePlugin({ lazyPackages } = {}) {
  return {
    name: 'cc-bedrock-lazy-require',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'require-call' || !ourSource(args.importer) || isBuiltin(args.path)) return undefined;
        if (lazyPackages) {
          lazyPackages.add(args.path);
          return { path: `./${lazyFileName(args.path)}`, external: true };
        }
        // The rewritten require() must reach the same copy as the sources' imports (a package's
        // ESM build), not its CommonJS build, or the bundle would carry the package twice.
        return build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
      });
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        if (!ourSource(args.path)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('createRequire(import.meta.url)(')) return undefined;
        return { contents: text.replace(LAZY_REQUIRE, 'require('), loader: 'ts' };
      });
    },
  };
}

/** A file of this repository's src/ (not a package that happens to have a src folder). */
const ourSource = (path) => path.startsWith(join(root, 'src') + sep);
const lazyFileName = (pkg) => `lazy-${pkg.replace(/[^a-zA-Z0-9._-]/g, '_')}.cjs`;

/**
 * Writes chunks/lazy-<package>.cjs for each of `lazyPackages` (filled by lazyRequirePlugin), and
 * checks that every output calling one is in chunks/ (the require() is relative to that file).
 * Returns the metafile inputs of those files, for the licences.
 */
export async function buildLazyRequires(esbuild, lazyPackages, metafile, chunksDir) {
  for (const [out, output] of Object.entries(metafile.outputs)) {
    const lazy = output.imports.filter((i) => i.external && i.path.startsWith('./lazy-'));
    if (lazy.length > 0 && dirname(join(root, out)) !== chunksDir) {
      throw new Error(`${out} calls ${lazy[0].path}, which is written to ${chunksDir}: a lazy require() must end up in a chunk`);
    }
  }
  const inputs = {};
  for (const pkg of lazyPackages) {
    const result = await esbuild.build({
      ...commonOptions,
      plugins: [],
      entryPoints: [pkg],
      outfile: join(chunksDir, lazyFileName(pkg)),
      format: 'cjs',
    });
    Object.assign(inputs, result.metafile.inputs);
  }
  return inputs;
}

export const commonOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  metafile: true,
  // Not identifiers: stack traces in bug reports keep our function names.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  legalComments: 'eof',
  // Prefer a package's ESM build: esbuild gives a dynamically imported CommonJS build only a
  // default export when it splits code, and ESM builds are smaller once tree-shaken.
  mainFields: ['module', 'main'],
  plugins: [lazyRequirePlugin()],
};

/** The npm package that holds a bundled input file, or undefined for our own sources. */
function packageOf(inputPath) {
  const parts = inputPath.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const nameParts = parts[at + 1]?.startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
  return join(...parts.slice(0, at + 1), ...nameParts);
}

const LICENSE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt))?$/i;

/**
 * THIRD_PARTY_LICENSES: for every package esbuild put into the outputs, its name, version,
 * licence identifier and the text of its licence (and NOTICE) files, as their licences require.
 */
export function thirdPartyLicenses(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageOf(input);
    if (dir) dirs.add(dir);
  }
  const sections = [];
  for (const dir of [...dirs].sort()) {
    const absolute = join(root, dir);
    const pkg = JSON.parse(readFileSync(join(absolute, 'package.json'), 'utf8'));
    const texts = readdirSync(absolute)
      .filter((f) => LICENSE_FILE.test(f))
      .sort()
      .map((f) => readFileSync(join(absolute, f), 'utf8').trim());
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see below');
    if (texts.length === 0 && !existsSync(join(absolute, 'package.json'))) continue;
    sections.push(
      [`## ${pkg.name}@${pkg.version} (${licence})`, pkg.repository?.url ?? pkg.homepage ?? '', '', ...(texts.length ? texts : [`License: ${licence} (the package ships no licence file)`])].join('\n'),
    );
  }
  return [
    '# Third-party software bundled into cc-bedrock',
    '',
    `Generated by scripts/bundle.mjs from the ${sections.length} packages esbuild bundled; do not edit.`,
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}

/** Inputs of the metafile relative to the repository, with forward slashes (for reports and tests). */
export const posix = (path) => relative(root, join(root, path)).split(sep).join('/');
