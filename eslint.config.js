// One linter for the whole repo, type-aware. The import restrictions encode the dependency rules
// of STYLE.md §3: the event contract is a leaf, connectors and normalizers do no app I/O, and
// nothing but the composition root reads the environment.
import tseslint from 'typescript-eslint'

const restrict = (patterns) => ['error', { patterns }]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through src/config (loadConfig).',
        },
      ],
    },
  },
  {
    files: ['src/events/**'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['../*', '!./*'],
          message: 'src/events is the public contract: it imports only zod.',
        },
      ]),
    },
  },
  {
    files: ['connectors/**'],
    ignores: ['connectors/**/*.test.ts', 'connectors/conformance.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: [
            '**/normalizers/**',
            '**/workers/**',
            '**/src/db/**',
            '**/src/http/**',
            '**/src/pipeline/**',
          ],
          message: 'Connectors depend only on src/events, src/errors and connectors/shared.',
        },
      ]),
    },
  },
  {
    files: ['normalizers/**'],
    ignores: ['normalizers/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: [
            '**/src/db/**',
            '**/src/queues/**',
            '**/src/http/**',
            '**/workers/**',
            'pg',
            'ioredis',
            'bullmq',
            'undici',
          ],
          message: 'Normalizers are pure: no I/O.',
        },
        {
          group: ['**/connectors/*/*', '!**/connectors/*/index.js'],
          message: 'Reach a connector through its index.ts.',
        },
      ]),
    },
  },
  {
    files: ['src/db/**', 'src/outbox/**', 'src/pipeline/**', 'src/queues/**'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['**/src/http/**', '**/http/**', '**/workers/**'],
          message: 'Domain code must not depend on HTTP or workers.',
        },
      ]),
    },
  },
  {
    files: ['workers/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/src/http/**'], message: 'Workers do not use HTTP routes.' },
      ]),
    },
  },
  {
    files: ['src/db/migrations/**'],
    rules: {
      // Migrations are frozen history typed Kysely<any>, and must never import app code.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-imports': restrict([
        { group: ['../../*'], message: 'Migrations never import app code.' },
      ]),
    },
  },
  {
    files: ['src/main.ts', 'src/config/**', 'bench/**', 'scripts/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // expect.any()/stringMatching() and JSON.parse are typed `any` by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
)
