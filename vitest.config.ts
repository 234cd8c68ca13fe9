import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          // Property suites run hundreds of simulated-time traces each.
          testTimeout: 60_000,
        },
      },
    ],
  },
});
