import { Feed } from 'feed';
import { announcementLabels, announcementSections, escapeHtml, sectionsHtml } from '#domain';
import type { PublicAnnouncementRow } from './announcement.repository.js';

/**
 * The Atom 1.0 feed of current announcements: one entry per announcement, id `urn:uuid:<id>` (stable across
 * edits and slugs), updated = its latest timeline entry (or its publication), absolute links, the notice
 * in its default language as the entry content.
 */
export function announcementFeed(rows: readonly PublicAnnouncementRow[], publicBaseUrl: string): string {
  const labels = announcementLabels('en');
  const updatedOf = (r: PublicAnnouncementRow) => (r.last_update_at && r.last_update_at > r.published_at! ? r.last_update_at : r.published_at!);
  const latest = rows.reduce<Date | null>((max, r) => (max === null || updatedOf(r) > max ? updatedOf(r) : max), null);
  const feed = new Feed({
    id: `${publicBaseUrl}/announcements`,
    title: labels.indexTitle,
    description: labels.indexIntro,
    link: `${publicBaseUrl}/announcements`,
    feedLinks: { atom: `${publicBaseUrl}/announcements/feed.atom` },
    // Atom needs an author for the feed when entries have none: the site that publishes it.
    author: { name: new URL(publicBaseUrl).host, link: publicBaseUrl },
    // An empty feed has changed "never": a fixed date keeps caches and readers quiet.
    updated: latest ?? new Date(0),
    generator: 'Tocsin',
  });
  for (const r of rows) {
    const link = `${publicBaseUrl}/announcements/${r.slug}`;
    const { sections } = announcementSections(r.content, r.default_language, r.default_language, { pageUrl: link, incidentRef: r.incident_ref });
    feed.addItem({
      // The library writes title and content as type="html" in CDATA: escaped HTML, which also keeps "]]>" out.
      title: escapeHtml(r.title),
      id: `urn:uuid:${r.id}`,
      link,
      date: updatedOf(r),
      published: r.published_at!,
      content: sectionsHtml(sections),
    });
  }
  return feed.atom1();
}
