// Lint: typescript-eslint's recommended rules, plus the import rule that keeps
// synth fast: provider packages are imported by deep path only (the package
// root loads every resource: ~3.6 s and ~840 MB per process).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdktf.out/', 'coverage/', '.bench/', '.venv/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@cdktf/provider-google', message: 'Import by deep path, e.g. @cdktf/provider-google/lib/project.' },
            { name: '@cdktf/provider-google-beta', message: 'Import by deep path, e.g. @cdktf/provider-google-beta/lib/google-project-service-identity.' },
            { name: '@cdktf/provider-kubernetes', message: 'Import by deep path, e.g. @cdktf/provider-kubernetes/lib/namespace-v1.' },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Tests navigate synthesized Terraform JSON, whose shape is the assertion.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
  },
);
