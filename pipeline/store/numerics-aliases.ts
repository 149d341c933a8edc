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
    now: 'b0c952180ce908bae797d9b9c54a1b4b6e866c2d06f4137620be0554b78a5b64',
    sameAs: 'a65c9c4fcd82c5f7d66be1a89aca37a401ec04de5aaa7032532d0344292227e2',
    why: 'lossReduction and adamEps added (absent: the old arithmetic, unchanged); validate.ts drops them at their defaults before hashing; WasmModel.exampleErrors copies out the per-example errors it already computed',
  },
  {
    entries: ['pipeline/train/tfjs.ts', 'pipeline/train/loop.ts'],
    now: 'f7aa46dceb0e51846e1a4698a52ff3ec82cf643d103e1133f5fd67e732018902',
    sameAs: '721d8a303eb4eb808c275d1ab657146d115f4da29709a0818c5e363255abc5fc',
    why: 'lossReduction and adamEps added (absent: the old arithmetic, unchanged); validate.ts drops them at their defaults before hashing',
  },
  {
    entries: ['pipeline/train/webgpu/engine.ts', 'pipeline/train/loop.ts'],
    now: '252a289c5664ca9cf8404b5365983efd89c0a45457f72dab2f78c48272b5a13d',
    sameAs: '25573d0d559ad670e1b82c51cfc36a756ffe487a380e759152638b8b5a33739b',
    why: 'lossReduction and adamEps added (absent: the old arithmetic, unchanged); validate.ts drops them at their defaults before hashing',
  },
  {
    entries: ['pipeline/data/datasets.ts'],
    now: 'b4e405877a02a08a253b249c32a638243c4d3e98559fb3b1ebcbe6e60e93607c',
    sameAs: '1c7fa1914f1b8969f232e0939bc5c3121f1fa29b96a5e04598cd35e7fe2f6060',
    why: 'types.ts gained the lossReduction and adamEps fields; the data generator code is unchanged',
  },
];
