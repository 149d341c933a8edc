// The figure manifest the site was built from. Set FIGURES_DIR to the same folder
// for `astro build` and `playwright test` (default: figures/).
import fs from 'node:fs';
import path from 'node:path';

export interface ManifestForTests {
  figures: Record<string, { file: string; caption: string; provenance: string }>;
  numbers: Record<string, string>;
}

export const figuresDir = path.resolve(process.env.FIGURES_DIR ?? 'figures');

export function readManifest(): ManifestForTests {
  const manifestPath = path.join(figuresDir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`${manifestPath} not found. Run \`npm run build\` (pipeline + site) before the end-to-end tests.`);
  }
  return JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as ManifestForTests;
}
