import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'bench/out/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'libs never import from apps' }] }],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The two processes share code only through libs/.
    files: ['apps/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/notifier/src/**'], message: 'share it through libs/ (e.g. #records)' }] }] },
  },
  {
    files: ['apps/notifier/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/api/src/**'], message: 'share it through libs/ (e.g. #records)' }] }] },
  },
  {
    files: ['libs/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/apps/**'], message: 'libs never import from apps' },
        { group: ['#channels', '#database', '@nestjs/*', 'typeorm', 'pg'], message: 'libs/domain holds pure rules: no I/O, no NestJS' },
      ] }],
    },
  },
);
