/**
 * npm run preview [-- astro preview options]: serves dist/ locally, with Astro's
 * telemetry and update check off. `astro preview` decides whether to print its telemetry
 * banner before it reads astro.config.mjs (which turns telemetry off for everything
 * else), so the variables are set here, in its environment; a value already set wins.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Astro answers a missing build with a stack trace; say what to run instead.
const outDir = process.env.OUT_DIR ? path.resolve(root, process.env.OUT_DIR) : path.join(root, 'dist');
if (!process.argv.includes('--outDir') && !existsSync(outDir)) {
  process.stderr.write(`npm run preview: ${path.relative(process.cwd(), outDir) || outDir}/ does not exist yet; build the site first with npm run build\n`);
  process.exit(1);
}
const env = { ASTRO_TELEMETRY_DISABLED: '1', ASTRO_DISABLE_UPDATE_CHECK: 'true', ...process.env };
const astro = spawn(process.execPath, [path.join(root, 'node_modules/astro/astro.js'), 'preview', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => astro.kill(signal));
astro.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
