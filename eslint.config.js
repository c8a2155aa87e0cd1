// Lint rules: typescript-eslint's recommended set, plus the house rules that keep a 3 a.m. reader safe.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './lint/layers.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // One dependency direction: kernel <- controller <- cli, kernel <- sandbox <- cli (lint/layers.js).
    files: ['kernel/**/*.ts', 'controller/**/*.ts', 'sandbox/**/*.ts', 'infra/**/*.ts', 'cli/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/direction': 'error' },
  },
  {
    // The dashboard runs in the browser, as plain modules without a build step.
    files: ['controller/api/dashboard/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'AbortController', 'TextDecoder', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'console', 'crypto', 'Headers', 'HTMLElement', 'Event', 'location', 'navigator', 'CSS', 'FormData'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['controller/domain/**/*.ts'],
    rules: {
      // The engine is pure: time is an input, randomness is seeded.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The domain is pure: take `now` as an input.' },
        { object: 'Math', property: 'random', message: 'The domain is pure: use a seeded random source.' },
      ],
      'no-restricted-imports': ['error', { patterns: ['node:*', '../providers/*', '../executor/*', '../signals/*', '../api/*'] }],
    },
  },
);
