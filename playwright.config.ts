// Playwright checks of the BUILT site (dist/), served by `astro preview`, and of a second
// build for a sub-path (dist-subpath, made by scripts/test.ts).
// Run `npm run build` first; this config builds only dist-subpath/, when it is missing or
// older than dist/ (tests/e2e/built-sites.ts).
//
// Screenshots must be bit-for-bit stable, so everything that could vary is pinned:
// Debian's Chromium at /usr/bin/chromium (apt-get install chromium fonts-dejavu-core),
// a fixed viewport at device scale 1, no animations, and a zero-tolerance comparison
// (Playwright's default threshold of 0.2 would hide colour changes in a figure).
//
// Servers listen on free ports chosen per run and are never reused, so a screenshot is
// never compared against (or accepted from) a page that another checkout is serving.
import net from 'node:net';
import { defineConfig } from '@playwright/test';
import { buildWithSiteScript, prepareBuiltSites, SUBPATH, SUBPATH_OUT } from './tests/e2e/built-sites.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// The runner chooses the ports once and its workers inherit them through the environment.
process.env.E2E_PORT ??= String(await freePort());
process.env.E2E_SUBPATH_PORT ??= String(await freePort());
const port = Number(process.env.E2E_PORT);
const subpathPort = Number(process.env.E2E_SUBPATH_PORT);
export { SUBPATH };

// Once, in the runner (its workers load this file again and inherit the variable).
if (!process.env.E2E_SITES_READY) {
  const problem = prepareBuiltSites(import.meta.dirname, buildWithSiteScript(import.meta.dirname), (line) => process.stdout.write(`${line}\n`));
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  process.env.E2E_SITES_READY = '1';
}

export default defineConfig({
  testDir: '.',
  testMatch: ['tests/e2e/**/*.spec.ts', 'content/*/tests/**/*.spec.ts'],
  // Baselines live in each post's folder: tests name the whole path (content/<slug>/tests/screenshots/…).
  snapshotPathTemplate: '{testDir}/{arg}{ext}',
  // Test files run in parallel, one browser each; the tests of one file share a page, in order.
  fullyParallel: false,
  workers: 2,
  // Screenshots of failures and missing baselines go here; Playwright empties this folder
  // when it starts, so it must not be test-results/ itself (scripts/test.ts keeps its
  // reports and logs there while Playwright runs).
  outputDir: 'test-results/e2e',
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  // A missing baseline fails the test and writes nothing into content/, in CI and out, as a
  // missing SVG snapshot does in vitest; `npm run test:update` (--update-snapshots) records it.
  updateSnapshots: 'none',
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
  projects: [
    { name: 'site', testIgnore: ['tests/e2e/subpath.spec.ts'], use: { baseURL: `http://localhost:${port}/` } },
    { name: 'subpath', testMatch: ['tests/e2e/subpath.spec.ts'], use: { baseURL: `http://localhost:${subpathPort}${SUBPATH}` } },
  ],
  webServer: [
    {
      command: `npx astro preview --port ${port}`,
      url: `http://localhost:${port}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx astro preview --port ${subpathPort}`,
      url: `http://localhost:${subpathPort}${SUBPATH}`,
      env: { SITE_BASE: SUBPATH, OUT_DIR: SUBPATH_OUT },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
