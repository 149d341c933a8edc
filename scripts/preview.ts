/**
 * npm run preview [-- astro preview options]: serves dist/ locally, with Astro's
 * telemetry and update check off. `astro preview` decides whether to print its telemetry
 * banner before it reads astro.config.mjs (which turns telemetry off for everything
 * else), so the variables are set here, in its environment; a value already set wins.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const env = { ASTRO_TELEMETRY_DISABLED: '1', ASTRO_DISABLE_UPDATE_CHECK: 'true', ...process.env };
const astro = spawn(process.execPath, [path.join(root, 'node_modules/astro/astro.js'), 'preview', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => astro.kill(signal));
astro.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
