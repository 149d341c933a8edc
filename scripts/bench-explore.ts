/**
 * npm run bench -- --explore   (or: tsx scripts/bench-explore.ts [--dist DIR] [--moves N])
 * How long an explorable figure takes to redraw when the reader moves a control, on a
 * phone-class CPU: the built site (dist/, `npm run build` first) served from this
 * checkout, Debian's Chromium at 390 px with its CPU throttled 4× (DevTools'
 * Emulation.setCPUThrottlingRate), and for comparison unthrottled. A redraw is timed in
 * the page from the input event to the new SVG laid out: draw(data, values) with Plot,
 * the parse and allow-list check, the swap and a forced layout. The goal is under 50 ms
 * throttled; it is measured here, never asserted in a test. Also reports the JavaScript
 * the page loads for its figures and each figure's data file, raw and gzipped.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');
const { values: options } = parseArgs({ options: { dist: { type: 'string', default: 'dist' }, moves: { type: 'string', default: '30' } } });
const dist = path.resolve(root, options.dist!);
const moves = Number(options.moves);
if (!existsSync(path.join(dist, 'index.html'))) {
  process.stderr.write(`bench-explore: ${path.relative(root, dist)}/ holds no built site; run \`npm run build\` first\n`);
  process.exit(1);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ttf': 'font/ttf', '.woff': 'font/woff', '.woff2': 'font/woff2', '.xml': 'application/xml' };

/** The built site, served as a static host would (directories by their index.html). */
function serve(): Promise<Server> {
  const server = createServer((request, response) => {
    let file = path.join(dist, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(dist)) return void response.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface ExplorableFigure {
  slug: string;
  id: string;
  data: string;
}

function explorableFigures(): ExplorableFigure[] {
  const found: ExplorableFigure[] = [];
  for (const slug of readdirSync(path.join(root, 'figures'))) {
    const manifest = path.join(root, 'figures', slug, 'manifest.json');
    if (!existsSync(manifest) || !existsSync(path.join(dist, slug))) continue;
    const figures = (JSON.parse(readFileSync(manifest, 'utf8')) as { figures: Record<string, { explore?: { data: string } }> }).figures;
    for (const [id, entry] of Object.entries(figures)) if (entry.explore) found.push({ slug, id, data: entry.explore.data });
  }
  return found;
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const figures = explorableFigures();
const server = await serve();
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const scripts = new Map<string, number>();
const rows: string[] = [];
try {
  for (const figure of figures) {
    for (const throttle of [4, 1]) {
      const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
      page.on('response', async (response) => {
        if (response.url().endsWith('.js')) scripts.set(response.url().replace(base, ''), (await response.body()).length);
      });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
      await page.goto(`${base}${figure.slug}/`, { waitUntil: 'load' });
      const element = page.locator(`#fig-${figure.id}`);
      await element.scrollIntoViewIfNeeded();
      await page.waitForSelector(`#fig-${figure.id}[data-explore-state="ready"]`, { timeout: 120_000 });
      // Each move steps the first control one position on (wrapping), as a dragged slider does.
      const times = await element.evaluate(async (node, count) => {
        const input = node.querySelector<HTMLInputElement>('input[data-control]')!;
        const out: number[] = [];
        for (let k = 0; k < count; k++) {
          if (input.type === 'checkbox') input.checked = !input.checked;
          else input.value = String((Number(input.value) + 1) % (Number(input.max) + 1));
          const start = performance.now();
          input.dispatchEvent(new Event('input', { bubbles: true }));
          node.querySelector('svg')!.getBoundingClientRect();
          out.push(performance.now() - start);
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
        return out;
      }, moves);
      const sorted = times.slice(1).sort((a, b) => a - b); // the first redraw also compiles the draw code
      rows.push(`${figure.slug}/${figure.id}`.padEnd(48) + `${throttle}x`.padStart(4) + `${quantile(sorted, 0.5).toFixed(1)}`.padStart(10) + `${quantile(sorted, 0.95).toFixed(1)}`.padStart(10) + `${sorted[sorted.length - 1].toFixed(1)}`.padStart(10) + `${times[0].toFixed(1)}`.padStart(10));
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}

process.stdout.write(`Explorable figures: redraw time per control move (ms), ${moves} moves, Chromium at 390 px, CPU throttled 4x and not\n`);
process.stdout.write('figure'.padEnd(48) + 'cpu'.padStart(4) + 'median'.padStart(10) + 'p95'.padStart(10) + 'max'.padStart(10) + 'first'.padStart(10) + '\n');
for (const row of rows) process.stdout.write(`${row}\n`);
process.stdout.write('\nJavaScript a post page loads for its figures (uncompressed / gzip -9):\n');
let total = 0;
let totalGzip = 0;
for (const [file] of [...scripts].sort()) {
  const bytes = readFileSync(path.join(dist, file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  total += bytes.length;
  totalGzip += gz;
  process.stdout.write(`  ${file.padEnd(64)} ${kB(bytes.length).padStart(10)} ${kB(gz).padStart(10)}\n`);
}
process.stdout.write(`  ${'total'.padEnd(64)} ${kB(total).padStart(10)} ${kB(totalGzip).padStart(10)}\n`);
process.stdout.write('\nData files (uncompressed / gzip -9):\n');
for (const figure of figures) {
  const bytes = readFileSync(path.join(dist, figure.slug, 'figures', figure.data));
  process.stdout.write(`  ${`${figure.slug}/figures/${figure.data}`.padEnd(64)} ${kB(bytes.length).padStart(10)} ${kB(gzipSync(bytes, { level: 9 }).length).padStart(10)}\n`);
}
