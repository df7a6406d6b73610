import { defineConfig } from '@playwright/test';

// scripts/test starts the release binary on a fresh database and passes its
// address in BASE_URL; it reads the results from PLAYWRIGHT_JSON_OUTPUT_NAME.
const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('Set BASE_URL to a running Alongside, e.g. BASE_URL=http://127.0.0.1:8080 (scripts/test does this).');
}

export default defineConfig({
  testDir: './tests',
  // Screenshots of failures; scripts/test gives each engine its own folder.
  outputDir: process.env.PLAYWRIGHT_OUTPUT_DIR ?? 'test-results',
  // The tests share one server (and its demo data), so they run one at a time, in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/results.json' }],
  ],
  use: {
    baseURL,
    trace: 'off',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          // Debian's Chromium: the test tools never download a browser.
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
