import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test/fixtures/models', 'dev-dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The UI may only see the engine's *types*: the engine runs in the worker, never in the page bundle.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/workers/*',
                '!**/workers/protocol',
                '!**/workers/engine',
                '!**/workers/loading',
                '!**/workers/corpus',
                '!**/workers/limits',
                '!**/workers/bytes',
                '!**/workers/text',
              ],
              message: 'src/ talks to the engine through the worker protocol only.',
            },
            {
              // The engine's chunker, so the editor's chunk estimate is the engine's split (pure: no model).
              group: ['**/workers/text/*', '!**/workers/text/chunking'],
              message: 'src/ talks to the engine through the worker protocol only.',
            },
            {
              // The one exception: the preset list, pure data without transformers.js (loading/model-registry.ts).
              group: ['**/workers/loading/*', '!**/workers/loading/model-registry'],
              message: 'src/ talks to the engine through the worker protocol only.',
            },
            {
              group: ['**/workers/protocol', '**/workers/engine'],
              allowTypeImports: true,
              message: 'Import only types from workers/protocol and workers/engine.',
            },
            {
              group: ['@huggingface/transformers', 'onnxruntime-web'],
              message: 'transformers.js belongs in the worker, not the main bundle.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/**/*.ts'],
    rules: {
      // The engine is free of DOM and React and never reaches into the UI.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/*', 'react', 'react-dom', 'zustand'],
              message: 'workers/ must not depend on the UI.',
            },
          ],
        },
      ],
    },
  },
  {
    // Arrows point one way inside the engine: decoding drives a model that loading produced from text that
    // text/ prepared; text/ and loading/ never reach into decoding/ (shared pieces live in workers/runtime).
    files: ['workers/text/**/*.ts', 'workers/loading/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/decoding/*', '**/decoding'],
              message: 'text/ and loading/ must not import decoding/.',
            },
            {
              group: ['**/src/*', 'react', 'react-dom', 'zustand'],
              message: 'workers/ must not depend on the UI.',
            },
          ],
        },
      ],
    },
  },
  {
    // Pure helpers of the page do not know the store; the store uses them.
    files: ['src/lib/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/store/*', '**/store'], message: 'src/lib must not import the store.' }] },
      ],
    },
  },
  {
    // tools/ is what the tests use, never the other way round: the Chromium launcher, the static server
    // and the fixture generator live in tools/harness and tools/fixtures.
    files: ['tools/**/*.ts', 'vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/test/*', '../test', '../../test'], message: 'tools/ must not import test/.' },
          ],
        },
      ],
    },
  },
  {
    // The corpus model and its formats are shared by the page and the CLI: pure code only.
    files: ['workers/corpus/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/*',
                'react',
                'react-dom',
                'zustand',
                '@huggingface/transformers',
                'onnxruntime-*',
                'node:*',
              ],
              message:
                'workers/corpus is imported by the page and the CLI: keep it free of the engine, Node and the UI.',
            },
            {
              group: [
                '**/decoding/*',
                '**/loading/*',
                '**/text/*',
                '**/extractor',
                '**/handler',
                '**/node-engine',
                '**/worker',
              ],
              message: 'workers/corpus may import only types from workers/protocol (and its own modules).',
            },
          ],
        },
      ],
    },
  },
  {
    // No raw HTML from data: React escapes text; these are the ways around it.
    files: ['src/**/*.{ts,tsx}', 'workers/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'No raw HTML: render text through React (it escapes), or build elements.',
        },
        {
          selector: 'AssignmentExpression > MemberExpression[property.name=/^(innerHTML|outerHTML)$/]',
          message: 'No raw HTML: set textContent or build elements.',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]',
          message: 'No raw HTML: insertAdjacentHTML/document.write are not allowed.',
        },
      ],
    },
  },
);
