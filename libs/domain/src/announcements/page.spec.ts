import { describe, expect, it } from '@jest/globals';
import { type AnnouncementPageModel, renderAnnouncementGone, renderAnnouncementIndex, renderAnnouncementPage } from './page.js';

const texts = (lang: string) => ({
  subject: `[${lang}] Incident {{incidentRef}}`,
  whatHappened: `[${lang}] Dear {{name}}, a <b>bucket</b> was public & "open".`,
  measuresTaken: `[${lang}] Closed.`,
  selfProtection: `[${lang}] Be wary.`,
  remedialMeasures: `[${lang}] Monitoring.`,
  contactPoint: `[${lang}] dpo@example.org`,
});

function model(over: Partial<AnnouncementPageModel> = {}): AnnouncementPageModel {
  return {
    title: 'Incident INC-2026-0001 <now>',
    defaultLanguage: 'en',
    content: { en: texts('en'), de: texts('de') },
    incidentRef: 'INC-2026-0001',
    publishedAt: new Date('2026-11-24T10:00:00Z'),
    visibleUntil: new Date('2027-02-22T10:00:00Z'),
    updates: [
      { at: new Date('2026-11-25T09:00:00Z'), body: { en: 'First update', de: 'Erste Aktualisierung' } },
      { at: new Date('2026-11-26T09:00:00Z'), body: { en: 'Second <update>' } },
    ],
    language: 'en',
    pageUrl: 'https://example.org/announcements/inc-2026-0001-notice',
    indexHref: '/announcements',
    feedHref: '/announcements/feed.atom',
    languageHref: (l) => `/announcements/inc-2026-0001-notice?lang=${l}`,
    ...over,
  };
}

describe('public announcement page', () => {
  it('shows the title, every element under its heading, the timeline newest first, all escaped', () => {
    const html = renderAnnouncementPage(model());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<h1>Incident INC-2026-0001 &lt;now&gt;</h1>');
    for (const heading of ['What happened', 'What we have done and will do', 'What you can do to protect yourself', 'What we offer you', 'Contact']) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html).toContain('Dear customer, a &lt;b&gt;bucket&lt;/b&gt; was public &amp; &quot;open&quot;.');
    expect(html).not.toContain('<b>bucket');
    expect(html.indexOf('Second &lt;update&gt;')).toBeLessThan(html.indexOf('First update'));
    expect(html).toContain('<time datetime="2026-11-26T09:00:00.000Z">');
    expect(html).toContain('href="/announcements/inc-2026-0001-notice?lang=de" hreflang="de" lang="de">Deutsch</a>');
    expect(html).not.toMatch(/<script|<img|<iframe|https?:\/\/(?!example\.org)/);
  });

  it('in another language: its subject as title, its headings, its timeline texts (falling back to the default)', () => {
    const html = renderAnnouncementPage(model({ language: 'de' }));
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<h1>[de] Incident INC-2026-0001</h1>');
    expect(html).toContain('<h2>Was ist passiert</h2>');
    expect(html).toContain('Erste Aktualisierung');
    expect(html).toContain('<div lang="en"><p>Second &lt;update&gt;</p></div>');
    expect(html).toContain('Aktualisierungen');
  });

  it('the index lists announcements with links and the feed; the gone page says it is no longer current', () => {
    const index = renderAnnouncementIndex('en', [{ title: 'A & B', language: 'de', href: '/announcements/a', publishedAt: new Date('2026-11-24T10:00:00Z') }], '/announcements/feed.atom');
    expect(index).toContain('<a href="/announcements/a" lang="de">A &amp; B</a>');
    expect(index).toContain('<link rel="alternate" type="application/atom+xml" href="/announcements/feed.atom">');
    expect(renderAnnouncementIndex('fr', [], '/f')).toContain('Aucun avis en cours.');
    const gone = renderAnnouncementGone('en', '/announcements');
    expect(gone).toContain('This announcement is no longer current');
    expect(gone).not.toContain('What happened');
  });
});
