import js from '@eslint/js';
import globals from 'globals';
import n from 'eslint-plugin-n';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.azle/**',
      '**/.citadel/**',
      // Next.js output and its generated types; the generated Candid bindings.
      '**/.next/**',
      '**/out/**',
      '**/next-env.d.ts',
      'apps/web/src/declarations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { n },
    rules: {
      curly: ['error', 'all'],
      'no-console': 'error',
      'n/prefer-node-protocol': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/cli/**', 'bench/**', '**/*.mjs', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // In a canister, the console is the canister log (Azle routes it to ic0.debug_print).
    files: ['canisters/*/src/index.ts', 'canisters/*/src/canister/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The sample dApp runs in the browser (its next.config.ts and tests run in Node.js).
    files: ['apps/web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
