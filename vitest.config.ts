import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import chromium from './scripts/lib/chromium.json' with { type: 'json' };

const dirname = path.dirname(fileURLToPath(import.meta.url));

// Debian's Chromium: nothing downloads a browser. Override with CHROMIUM_PATH.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? chromium.path;
const CHROMIUM_ARGS = chromium.args;

// A fresh object per project: vitest mutates `instances`, and a shared one mislabels projects.
const browser = () => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  plugins: [react()],
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
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/**/*.browser.test.tsx'],
          // A Node-side engine server for the remote dashboard tests (connectEngine in the page).
          globalSetup: ['test/remote/remote-server.setup.ts'],
          browser: browser(),
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        plugins: [storybookTest({ configDir: path.join(dirname, '.storybook') })],
        test: {
          name: 'storybook',
          browser: browser(),
          testTimeout: 30_000,
        },
      },
    ],
  },
});
