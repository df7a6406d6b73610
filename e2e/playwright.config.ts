import { defineConfig } from '@playwright/test';

// scripts/test starts the release binary and passes its address in BASE_URL.
const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('Set BASE_URL to a running Alongside, e.g. BASE_URL=http://127.0.0.1:8080 (scripts/test does this).');
}

export default defineConfig({
  testDir: './tests',
  // One server per engine, shared by the tests, which run in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          // Debian's Chromium: browsers are never downloaded by the test tools.
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
