/**
 * Numerics aliases: code versions declared to compute bit-for-bit the same tensors as
 * an earlier version, so the runs that earlier version trained keep their provenance hash.
 *
 * A run's hash covers the tokens of its engine's and data generator's import closures
 * (provenance.ts). That is the right default, but it also moves every committed run when
 * the closure changes in ways that leave every number alone: a new optional config field
 * whose default takes the old path, a thread protocol rewritten around the same kernel.
 * Retraining post 2's sweep for such a change costs a night, so the change is declared
 * here instead: `now` is the closure's hash today, `sameAs` the hash the store records.
 *
 * The declaration is checked, not trusted:
 *   - tests/unit/provenance.test.ts fails unless every `now` is the closure's current hash,
 *     so the next edit of the closure drops the alias (its runs go stale, the safe side)
 *     until someone declares it again;
 *   - tests/unit/reproducibility.test.ts retrains committed runs under the aliased hash
 *     and compares tensors bit for bit, so an alias over changed numerics fails there.
 * Declare an alias only for a change that cannot alter a default run's numbers, and say
 * why in `why`.
 */
export interface NumericsAlias {
  /** The closure's entry files, as provenance.ts hashes them. */
  entries: string[];
  /** sourceHash(entries) of this checkout. */
  now: string;
  /** The hash committed runs record for the same numerics. */
  sameAs: string;
  why: string;
}

export const NUMERICS_ALIASES: readonly NumericsAlias[] = [
  {
    entries: ['pipeline/train/fused.ts', 'pipeline/train/loop.ts'],
    now: 'c9c775c644eea84cc4fad5bb635dbba295354444fc56698b90c9a0d7653f5bf0',
    sameAs: 'a65c9c4fcd82c5f7d66be1a89aca37a401ec04de5aaa7032532d0344292227e2',
    why: 'lossReduction and adamEps added (absent: the old arithmetic, unchanged); validate.ts drops them at their defaults before hashing; WasmModel.exampleErrors copies out the per-example errors it already computed; the worker protocol around the same kernel calls was rewritten so no wake-up is lost (issue 28); the AdamW step runs in WebAssembly (adamwWasm.ts), the same float64 operations in the same order and the same float32 roundings (tests/unit/adamw-wasm.test.ts: bitwise equal to adamw.ts); the kernel widens W and b to float64 itself (widen in kernel.as.ts: f64x2.promote_low_f32x4, exact like the typed-array copy it replaces); the “mean” convention divides the gradients by n inside the AdamW kernel as it reads them, the same float64 division the training loop made in a pass of its own (tests/unit/adamw-wasm.test.ts: bitwise equal to adamwUpdate of the divided gradients)',
  },
  {
    entries: ['pipeline/train/tfjs.ts', 'pipeline/train/loop.ts'],
    now: '90368d6341b941b7eb66d29d4125080a60371d0fc34e13cddef45023677d1a10',
    sameAs: '721d8a303eb4eb808c275d1ab657146d115f4da29709a0818c5e363255abc5fc',
    why: 'lossReduction and adamEps added (absent: the old arithmetic, unchanged); validate.ts drops them at their defaults before hashing; the AdamW step runs in WebAssembly (adamwWasm.ts), the same float64 operations in the same order and the same float32 roundings (tests/unit/adamw-wasm.test.ts: bitwise equal to adamw.ts); the “mean” convention divides the gradients by n inside the AdamW kernel as it reads them, the same float64 division the training loop made in a pass of its own (tests/unit/adamw-wasm.test.ts: bitwise equal to adamwUpdate of the divided gradients)',
  },
  {
    entries: ['pipeline/train/webgpu/engine.ts', 'pipeline/train/loop.ts'],
    now: 'eccebd92da7ad21230f75e0733961ceff02e76a0a58979fab8d63dc7241fec79',
    sameAs: '25573d0d559ad670e1b82c51cfc36a756ffe487a380e759152638b8b5a33739b',
    why: 'lossReduction and adamEps added (absent: the old arithmetic, unchanged); validate.ts drops them at their defaults before hashing; the AdamW step runs in WebAssembly (adamwWasm.ts), the same float64 operations in the same order and the same float32 roundings (tests/unit/adamw-wasm.test.ts: bitwise equal to adamw.ts); the “mean” convention divides the gradients by n inside the AdamW kernel as it reads them, the same float64 division the training loop made in a pass of its own (tests/unit/adamw-wasm.test.ts: bitwise equal to adamwUpdate of the divided gradients)',
  },
  {
    entries: ['pipeline/data/datasets.ts'],
    now: 'f6035b90e0c44dddecdaf86890db7909f56cb6dc3e97d8da576d5ce3c9d556a3',
    sameAs: '1c7fa1914f1b8969f232e0939bc5c3121f1fa29b96a5e04598cd35e7fe2f6060',
    why: 'types.ts gained the lossReduction and adamEps fields and the tree engine id; the data generator code is unchanged',
  },
];
