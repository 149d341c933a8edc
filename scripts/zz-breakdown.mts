import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
const dist = '/work/wt/explore/dist';
const T: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.ttf': 'font/ttf', '.woff2': 'font/woff2' };
const server = createServer((q, r) => { let f = path.join(dist, decodeURIComponent(new URL(q.url!, 'http://x').pathname)); if (existsSync(f) && statSync(f).isDirectory()) f = path.join(f, 'index.html'); if (!existsSync(f)) return void r.writeHead(404).end(); r.writeHead(200, { 'Content-Type': T[path.extname(f)] ?? 'application/octet-stream' }).end(readFileSync(f)); });
await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
const base = `http://127.0.0.1:${(server.address() as any).port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [slug, id] of [['training-misses-the-circle', 'recovery-trajectory'], ['double-descent', 'regime-explorer']]) {
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  await page.goto(`${base}${slug}/`); if (process.env.CONTAIN) await page.addStyleTag({ content: `.figure[data-explore-draw] .figure-scroll { contain: ${process.env.CONTAIN}; }` });
  const fig = page.locator(`#fig-${id}`); await fig.scrollIntoViewIfNeeded();
  await page.waitForSelector(`#fig-${id}[data-explore-state="ready"]`);
  const r = await fig.evaluate(async (node) => {
    const input = node.querySelector<HTMLInputElement>('input[data-control]')!;
    const total: number[] = [];
    for (let k = 0; k < 40; k++) { input.value = String((Number(input.value) + 1) % (Number(input.max) + 1)); const s = performance.now(); input.dispatchEvent(new Event('input', { bubbles: true })); node.querySelector('svg')!.getBoundingClientRect(); total.push(performance.now() - s); await new Promise((res) => requestAnimationFrame(res)); }
        const d = performance.getEntriesByName('explore-draw').map((e) => e.duration).sort((a, b) => a - b); const w = performance.getEntriesByName('explore-swap').map((e) => e.duration).sort((a, b) => a - b); total.sort((a, b) => a - b); return { total: total[20], draw: d[20], swap: w[20] };
  });
  console.log(id, JSON.stringify(r));
  await page.close();
}
await browser.close(); server.close();
