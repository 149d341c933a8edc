// The part of citation-js (no bundled types) that src/plugins/citations.ts uses.
declare module '@citation-js/core' {
  /** One bibliography entry as CSL-JSON. */
  export interface CslEntry {
    id: string;
    type?: string;
    title?: string;
    'citation-key'?: string;
    [field: string]: unknown;
  }
  export interface CitationCluster {
    citationItems: { id: string }[];
    properties: { noteIndex: number };
  }
  export interface CslEngine {
    /** One [citationID, noteIndex, formatted] triple per cluster, in order. */
    rebuildProcessorState(citations: CitationCluster[], format: string, uncited: string[]): [string, number, string][];
  }
  export const plugins: {
    input: { chain(input: string, options: { forceType: string; generateGraph: boolean }): CslEntry[] };
    config: { get(name: '@csl'): { engine(data: CslEntry[], style: string, lang: string, format: string): CslEngine } };
  };
  export class Cite {
    constructor(data: CslEntry[]);
    format(kind: 'bibliography', options: { format: 'html'; template: string; lang: string; hyperlinks: boolean; asEntryArray: true; entry: string[] }): [string, string][];
  }
}
declare module '@citation-js/plugin-bibtex';
declare module '@citation-js/plugin-csl';
