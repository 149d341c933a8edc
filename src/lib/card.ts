// The share card of a post (og:image, twitter:image): 1200 × 630, its title and summary
// set in DejaVu Sans, drawn as SVG and rasterised to PNG by resvg with the DejaVu files
// the page itself serves (no system fonts), so the card is the same on every machine.
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 630;

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Greedy word wrap to at most `maxLines` lines of `width` characters, the last one cut with "…". */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1].replace(/[\s,.;:]*\S*$/, '')}…`;
  return kept;
}

export function cardSvg(title: string, summary: string, siteName: string): string {
  // DejaVu Sans averages about 0.6 em per character: 30 characters of 58 px bold and
  // 64 of 28 px regular fit the 1,060 px text width.
  const titleLines = wrapWords(title, 30, 3);
  const summaryLines = wrapWords(summary, 64, 4);
  const titleTop = 150;
  const summaryTop = titleTop + titleLines.length * 70 + 30;
  const text = (lines: string[], top: number, step: number, attributes: string) =>
    lines.map((line, index) => `<text x="70" y="${top + index * step}" ${attributes}>${escapeXml(line)}</text>`).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}">`,
    `<rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="#ffffff"/>`,
    `<rect width="${CARD_WIDTH}" height="14" fill="#1f5fa8"/>`,
    text(titleLines, titleTop, 70, 'font-family="DejaVu Sans" font-weight="bold" font-size="58" fill="#111111"'),
    text(summaryLines, summaryTop, 40, 'font-family="DejaVu Sans" font-size="28" fill="#62666d"'),
    `<circle cx="92" cy="560" r="20" fill="none" stroke="#1f5fa8" stroke-width="4"/>`,
    `<path d="M92 560 L112 560 M92 560 L82 543 M92 560 L82 577" stroke="#1f5fa8" stroke-width="4" stroke-linecap="round"/>`,
    `<text x="132" y="570" font-family="DejaVu Sans" font-size="26" fill="#1d1d1f">${escapeXml(siteName)}</text>`,
    '</svg>',
  ].join('');
}

export function cardPng(title: string, summary: string, siteName: string): Buffer {
  const resvg = new Resvg(cardSvg(title, summary, siteName), {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
