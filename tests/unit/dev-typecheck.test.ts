/**
 * Type errors reported on save (issue 26): tsx strips types, so a figure module with a
 * type error renders; `npm run dev` checks each saved file in the background with
 * pipeline/dev/typecheck.ts and shows what it finds on the overlay.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportTypeErrors, typeErrors, typeErrorsFile } from '../../pipeline/dev/typecheck.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-typecheck-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', target: 'es2022', allowImportingTsExtensions: true, types: [] } }));
fs.mkdirSync(path.join(root, 'figures'));
fs.writeFileSync(path.join(root, 'figures/helper.ts'), "export const label = (n: number): string => `n = ${n}`;\n");
fs.writeFileSync(path.join(root, 'figures/bad.ts'), "import { label } from './helper.ts';\nexport const caption: string = label('seven');\n");
fs.writeFileSync(path.join(root, 'figures/good.ts'), "import { label } from './helper.ts';\nexport const caption: string = label(7);\n");

describe('typeErrors', () => {
  it("reports a file's type errors as one line each, with file, line, column and code; a clean file has none", () => {
    const found = typeErrors(['figures/bad.ts', 'figures/good.ts'], root);
    expect(found.get('figures/bad.ts')).toEqual([
      "figures/bad.ts:2:38: type error: Argument of type 'string' is not assignable to parameter of type 'number'. (TS2345)",
    ]);
    expect(found.get('figures/good.ts')).toEqual([]);
  }, 400_000);

  it('as the dev loop runs it: writes the errors file, and removes it once the file is fixed', () => {
    const errorsDir = path.join(root, 'errors');
    fs.mkdirSync(errorsDir, { recursive: true });
    expect(reportTypeErrors(errorsDir, ['figures/bad.ts'], root)).toHaveLength(1);
    expect(fs.readFileSync(typeErrorsFile(errorsDir, 'figures/bad.ts'), 'utf8')).toContain('figures/bad.ts:2:38: type error:');
    fs.writeFileSync(path.join(root, 'figures/bad.ts'), "import { label } from './helper.ts';\nexport const caption: string = label(8);\n");
    expect(reportTypeErrors(errorsDir, ['figures/bad.ts'], root)).toEqual([]);
    expect(fs.existsSync(typeErrorsFile(errorsDir, 'figures/bad.ts'))).toBe(false);
  }, 400_000);
});
