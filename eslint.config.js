// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';


/**
 * The layers, bottom first. A module may import its own folder and the folders of lower layers,
 * never a folder of its own layer or above: the shared vocabulary (core) knows nothing of the
 * rest, and the commands (cli) sit on top of everything. Tests may import across layers.
 */
const LAYERS = [
  ['core'],
  ['settings'],
  ['network'],
  ['models'],
  ['bedrock'],
  ['aws'],
  ['routing'],
  ['client'],
  ['iam'],
  ['doctor'],
  ['setup', 'gateway', 'emulator'],
  ['cli'],
];

function layerRules() {
  return LAYERS.flatMap((folders, rank) =>
    folders.map((folder) => {
      const forbidden = LAYERS.slice(rank).flat().filter((other) => other !== folder);
      return {
        files: [`src/${folder}/**/*.ts`],
        ignores: ['**/*.test.ts'],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                {
                  regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
                  message: `src/${folder} sits below these folders in the layering (eslint.config.js LAYERS); move the shared piece down instead.`,
                },
              ],
            },
          ],
        },
      };
    }),
  );
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
          message: 'Only src/cli/main.ts may call process.exit; throw a CcBedrockError instead.',
        },
      ],
    },
  },
  {
    files: ['src/cli/main.ts', 'scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...layerRules(),
);
