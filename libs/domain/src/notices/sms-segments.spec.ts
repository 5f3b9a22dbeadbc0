import { describe, expect, it } from '@jest/globals';
import { countSmsSegments, fitSms, isGsm7 } from './sms-segments.js';

const r = (s: string, n: number) => s.repeat(n);

describe('SMS segments', () => {
  it.each<[string, string, 'GSM-7' | 'UCS-2', number, number]>([
    ['empty', '', 'GSM-7', 0, 1],
    ['160 GSM-7 characters: one message', r('a', 160), 'GSM-7', 160, 1],
    ['161 GSM-7 characters: two segments of 153', r('a', 161), 'GSM-7', 161, 2],
    ['306 GSM-7 characters: exactly two segments', r('a', 306), 'GSM-7', 306, 2],
    ['307 GSM-7 characters: three segments', r('a', 307), 'GSM-7', 307, 3],
    ['612 GSM-7 characters: four segments', r('a', 612), 'GSM-7', 612, 4],
    ['613 GSM-7 characters: five segments', r('a', 613), 'GSM-7', 613, 5],
    ['GSM-7 accents (äöüßé) stay GSM-7', r('äöüßé', 32), 'GSM-7', 160, 1],
    ['80 € (extension table, 2 septets each): one message', r('€', 80), 'GSM-7', 160, 1],
    ['81 €: two segments', r('€', 81), 'GSM-7', 162, 2],
    ['an escape pair never straddles two segments', r('a', 152) + '€' + r('a', 152), 'GSM-7', 306, 3],
    ['brackets and braces cost two septets', '[{}]', 'GSM-7', 8, 1],
    ['70 UCS-2 characters: one message', r('ж', 70), 'UCS-2', 70, 1],
    ['71 UCS-2 characters: two segments of 67', r('ж', 71), 'UCS-2', 71, 2],
    ['134 UCS-2 characters: exactly two segments', r('ж', 134), 'UCS-2', 134, 2],
    ['135 UCS-2 characters: three segments', r('ж', 135), 'UCS-2', 135, 3],
    ['one non-GSM character switches the whole text to UCS-2', r('a', 69) + 'ł', 'UCS-2', 70, 1],
    ['… (ellipsis) is not GSM-7', r('a', 70) + '…', 'UCS-2', 71, 2],
    ['an emoji takes two UTF-16 units', r('a', 68) + '😀', 'UCS-2', 70, 1],
    ['a surrogate pair never straddles two segments', r('ж', 66) + '😀' + r('ж', 66), 'UCS-2', 134, 3],
  ])('%s', (_case, text, encoding, units, segments) => {
    expect(countSmsSegments(text)).toEqual({ encoding, units, segments });
  });

  it.each([
    ['Hello {world} €', true],
    ['Grüße aus Köln', true],
    ['Zoë', false],
    ['Łódź', false],
    ['`backtick`', false],
  ])('isGsm7(%s) = %s', (text, gsm) => {
    expect(isGsm7(text)).toBe(gsm);
  });

  it.each([
    ['GSM-7', 'word '.repeat(200), '...'],
    ['UCS-2', 'слово '.repeat(200), '…'],
  ])('fitSms cuts a %s text so that text + link fits, keeping the encoding where it can', (_enc, text, ellipsis) => {
    const link = ' https://notice.example/n/abcdefghijklmnopqrstuvwxyz';
    const cut = fitSms(text, link, 2);
    expect(cut.endsWith(ellipsis)).toBe(true);
    expect(countSmsSegments(cut + link).segments).toBeLessThanOrEqual(2);
    expect(cut.length).toBeGreaterThan(50);
    expect(fitSms('short', link, 2)).toBe('short');
  });
});
