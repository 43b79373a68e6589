import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'bench/results/**'] },
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
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Layering (DESIGN.md): api/ imports nothing of ours; control-plane/ and agent/ never import electron.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '../control-plane/*',
            '../agent/*',
            '../cli/*',
            '../electron/*',
            '../renderer/*',
            '**/control-plane/**',
            '**/agent/**',
          ],
        },
      ],
    },
  },
  {
    files: ['control-plane/**/*.ts', 'agent/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron'], patterns: ['**/electron/**', '**/renderer/**'] },
      ],
    },
  },
  {
    // The agent is bundled alone onto nodes: besides api/, it carries nothing of the control plane.
    files: ['agent/**/*.ts'],
    ignores: ['agent/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron'], patterns: ['**/electron/**', '**/renderer/**', '**/control-plane/**'] },
      ],
    },
  },
);
