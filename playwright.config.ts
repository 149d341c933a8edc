// Playwright checks of the BUILT site (dist/), served by `astro preview`.
// Run `npm run build` (or `npx astro build`) first; this config does not build.
//
// Screenshots must be bit-for-bit stable, so everything that could vary is pinned:
// Debian's Chromium at /usr/bin/chromium (apt-get install chromium fonts-dejavu-core),
// a fixed viewport at device scale 1, no animations, and a zero-tolerance comparison
// (Playwright's default threshold of 0.2 would hide colour changes in a figure).
import { defineConfig } from '@playwright/test';

const port = 4329;

export default defineConfig({
  testDir: 'tests/e2e',
  // One shared baseline for every machine: no "-chromium-linux" suffix in the name.
  snapshotPathTemplate: '{testDir}/__screenshots__/{arg}{ext}',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  expect: {
    toHaveScreenshot: {
      threshold: 0,
      maxDiffPixels: 0,
      animations: 'disabled',
      caret: 'hide',
      scale: 'css',
    },
  },
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    viewport: { width: 1000, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // Same text rendering on every machine, whatever its desktop settings.
        '--font-render-hinting=none',
        '--disable-lcd-text',
        '--force-color-profile=srgb',
      ],
    },
  },
  webServer: {
    command: `npx astro preview --port ${port}`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
