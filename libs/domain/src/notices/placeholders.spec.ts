import { describe, expect, it } from '@jest/globals';
import { escapeHtml } from './html.js';
import { fillPlaceholders, placeholderProblems } from './placeholders.js';

const values = { name: 'Ana <b>', noticeUrl: 'https://n.example/x?a=1&b=2', incidentRef: 'INC-2026-0001', contactPoint: 'dpo@example.org' };

describe('placeholders', () => {
  it.each<[string, string[]]>([
    ['Dear {{name}}, see {{noticeUrl}} ({{incidentRef}}); write to {{contactPoint}}.', []],
    ['Spaces are fine: {{ name }}', []],
    ['No placeholders at all', []],
    ['Unknown {{firstName}}', ['unknown placeholder {{firstName}}; known: {{name}}, {{noticeUrl}}, {{incidentRef}}, {{contactPoint}}']],
    ['Case matters: {{Name}}', ['unknown placeholder {{Name}}; known: {{name}}, {{noticeUrl}}, {{incidentRef}}, {{contactPoint}}']],
    ['Empty {{}}', ['unknown placeholder {{}}; known: {{name}}, {{noticeUrl}}, {{incidentRef}}, {{contactPoint}}']],
    ['Unclosed {{name', ['has a "{{" or "}}" that is not part of a placeholder like {{name}}']],
    ['Stray }} here', ['has a "{{" or "}}" that is not part of a placeholder like {{name}}']],
  ])('%s', (text, problems) => {
    expect(placeholderProblems(text)).toEqual(problems);
  });

  it('refuses a placeholder that refers to the field itself', () => {
    expect(placeholderProblems('Write to {{contactPoint}}', ['contactPoint'])).toEqual(['placeholder {{contactPoint}} cannot be used here (it would refer to itself)']);
  });

  it.each([
    ['plain', (v: string) => v, 'Dear Ana <b>, INC-2026-0001 https://n.example/x?a=1&b=2'],
    ['HTML-escaped values', escapeHtml, 'Dear Ana &lt;b&gt;, INC-2026-0001 https://n.example/x?a=1&amp;b=2'],
  ])('fills %s', (_case, escape, expected) => {
    expect(fillPlaceholders('Dear {{name}}, {{incidentRef}} {{ noticeUrl }}', values, escape)).toBe(expected);
  });
});
