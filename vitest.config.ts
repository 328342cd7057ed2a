import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Integration files mostly wait on PostgreSQL, Redis and timers: more files than cores run
    // at once (vitest's default is one fewer than the cores, one file at a time on two).
    maxWorkers: '150%',
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{src,connectors,normalizers,workers}/**/*.test.ts',
            'test/contract/**/*.test.ts',
          ],
          setupFiles: ['test/setup-msw.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-msw.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
