/** Numbers printed with no more digits than their error supports (pipeline/post/format.ts). */
import { describe, expect, it } from 'vitest';
import { errorPlace, formatMeasured, formatWithError } from '../../pipeline/post/format.ts';

describe('formatWithError', () => {
  it.each([
    [451.7, 28, '452 ± 28'],
    [451.7, 60, '450 ± 60'],
    [1.000473, 0.00012, '1.00047 ± 0.00012'],
    [1.000473, 0.0004, '1.0005 ± 0.0004'],
    [0.99917, 0.0031, '0.999 ± 0.003'],
    [0.99917, 0.0021, '0.9992 ± 0.0021'],
    [134.4, 41, '130 ± 40'],
    [12_345.6, 250, '12,350 ± 250'],
    [-0.0123, 0.004, '−0.012 ± 0.004'],
    [0.0004, 0.004, '0.000 ± 0.004'],
    [2.96, 0.5, '3.0 ± 0.5'],
  ])('%d ± %d → %s', (value, error, text) => {
    expect(formatWithError(value, error)).toBe(text);
  });

  it('prints the value alone at the same place', () => {
    expect(formatMeasured(451.7, 28)).toBe('452');
    expect(formatMeasured(1.000473, 0.00012)).toBe('1.00047');
  });

  it('keeps two digits of an error that starts with 1 or 2, one otherwise', () => {
    expect(errorPlace(0.014)).toBe(-3);
    expect(errorPlace(0.029)).toBe(-3);
    expect(errorPlace(0.03)).toBe(-2);
    expect(errorPlace(9)).toBe(0);
  });

  it('refuses an error that is not a positive finite number', () => {
    for (const error of [0, -1, Number.NaN, Infinity]) expect(() => formatWithError(1, error)).toThrow(/finite number > 0/);
  });
});
