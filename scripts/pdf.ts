/**
 * npm run pdf: one PDF per published post, printed by Chromium from the built site
 * (run `npm run build` first) into dist/<slug>/<slug>.pdf, which each post links.
 * The page's print stylesheet applies (src/styles/article.css, @media print); figures
 * stay vector (inline SVG) and KaTeX is printed with its own fonts.
 *
 * The built files are served to the browser straight from the output folder (OUT_DIR,
 * under SITE_BASE as it was built), so no server and no network are needed. Chromium:
 * CHROMIUM_PATH, else Debian's /usr/bin/chromium (the one the tests use).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');
const site = path.resolve(root, process.env.OUT_DIR ?? 'dist');
const base = `/${(process.env.SITE_BASE ?? '').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
const origin = 'http://pdf.invalid';
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
  '.csv': 'text/csv',
};

function fail(message: string): never {
  process.stderr.write(`pdf: ${message}\n`);
  process.exit(1);
}

if (!existsSync(site)) fail(`${path.relative(root, site)}/ does not exist. Fix: run \`npm run build\` first.`);
if (!existsSync(executablePath)) fail(`Chromium not found at ${executablePath}. Fix: apt-get install chromium, or set CHROMIUM_PATH.`);

// A post is a folder of the site with an index.html and an og:type of article.
const slugs = readdirSync(site).filter((entry) => {
  const page = path.join(site, entry, 'index.html');
  return existsSync(page) && readFileSync(page, 'utf8').includes('<meta property="og:type" content="article">');
});

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
try {
  const context = await browser.newContext();
  // Serve the built site from disk; anything outside it fails, as the page must not need it.
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== origin || !url.pathname.startsWith(base)) return route.abort();
    let file = path.join(site, decodeURIComponent(url.pathname.slice(base.length)));
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(site) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body: readFileSync(file), contentType: TYPES[path.extname(file)] ?? 'application/octet-stream' });
  });
  for (const slug of slugs) {
    const page = await context.newPage();
    await page.goto(`${origin}${base}${slug}/`, { waitUntil: 'networkidle' });
    await page.evaluate(() => document.fonts.ready);
    const out = path.join(site, slug, `${slug}.pdf`);
    await page.pdf({ path: out, format: 'A4', printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' }, tagged: true, outline: true });
    process.stdout.write(`pdf: ${path.relative(root, out)} (${(statSync(out).size / 1e6).toFixed(1)} MB)\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
