import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist.*/', 'data/', 'web/', 'coverage/', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Floating promises are bugs in a streaming proxy (STYLE.md 11).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  // The request path holds resources with try/finally: the build's target (es2024) compiles `using` into
  // helpers that allocate per scope (docs/benchmarks.md "Round nineteen"; src/relay/attempt-loop.ts visit).
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/cli/**', 'src/import/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "VariableDeclaration[kind='using'], VariableDeclaration[kind='await using']", message: 'Release it in a finally block: `using` compiles into helpers that allocate per scope (docs/benchmarks.md "Round nineteen").' }],
    },
  },
  // Plain JavaScript checked by tsc (checkJs), which already refuses undefined names.
  { files: ['bin/**/*.js'], rules: { 'no-undef': 'off' } },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
