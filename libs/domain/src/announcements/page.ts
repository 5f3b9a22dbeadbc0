import { escapedTextToHtml, escapeHtml } from '../notices/html.js';
import { primarySubtag } from '../notices/language.js';
import type { NoticeContent } from '../notices/notice-content.js';
import { fillPlaceholders } from '../notices/placeholders.js';
import { noticeSections, prepareNotice, type NoticeSection } from '../notices/render.js';
import { type AnnouncementUpdateBody, updateText } from './announcement.js';

/** The fixed words of the public announcement pages. */
export interface AnnouncementLabels {
  indexTitle: string;
  indexIntro: string;
  none: string;
  published: string;
  postedUntil: string;
  updates: string;
  otherLanguages: string;
  reference: string;
  feed: string;
  allAnnouncements: string;
  goneTitle: string;
  goneBody: string;
  notFoundTitle: string;
  notFoundBody: string;
}

const EN: AnnouncementLabels = {
  indexTitle: 'Public announcements',
  indexIntro: 'Security incidents about which we inform the public because we could not reach everyone concerned individually.',
  none: 'There are no current announcements.',
  published: 'Published',
  postedUntil: 'Posted until',
  updates: 'Updates',
  otherLanguages: 'This announcement in other languages',
  reference: 'Reference',
  feed: 'Subscribe to the Atom feed',
  allAnnouncements: 'All current announcements',
  goneTitle: 'This announcement is no longer current',
  goneBody: 'The announcement you are looking for has ended or was withdrawn.',
  notFoundTitle: 'Announcement not found',
  notFoundBody: 'There is no announcement at this address.',
};

const LABELS: Record<string, AnnouncementLabels> = {
  en: EN,
  de: {
    indexTitle: 'Öffentliche Bekanntmachungen',
    indexIntro: 'Sicherheitsvorfälle, über die wir öffentlich informieren, weil wir nicht alle Betroffenen einzeln erreichen konnten.',
    none: 'Derzeit gibt es keine Bekanntmachungen.',
    published: 'Veröffentlicht',
    postedUntil: 'Veröffentlicht bis',
    updates: 'Aktualisierungen',
    otherLanguages: 'Diese Bekanntmachung in anderen Sprachen',
    reference: 'Zeichen',
    feed: 'Atom-Feed abonnieren',
    allAnnouncements: 'Alle aktuellen Bekanntmachungen',
    goneTitle: 'Diese Bekanntmachung ist nicht mehr aktuell',
    goneBody: 'Die gesuchte Bekanntmachung ist abgelaufen oder wurde zurückgezogen.',
    notFoundTitle: 'Bekanntmachung nicht gefunden',
    notFoundBody: 'Unter dieser Adresse gibt es keine Bekanntmachung.',
  },
  fr: {
    indexTitle: 'Avis publics',
    indexIntro: 'Incidents de sécurité dont nous informons le public, faute d’avoir pu joindre individuellement toutes les personnes concernées.',
    none: 'Aucun avis en cours.',
    published: 'Publié le',
    postedUntil: 'En ligne jusqu’au',
    updates: 'Mises à jour',
    otherLanguages: 'Cet avis dans d’autres langues',
    reference: 'Référence',
    feed: 'S’abonner au flux Atom',
    allAnnouncements: 'Tous les avis en cours',
    goneTitle: 'Cet avis n’est plus d’actualité',
    goneBody: 'L’avis que vous cherchez a pris fin ou a été retiré.',
    notFoundTitle: 'Avis introuvable',
    notFoundBody: 'Il n’y a pas d’avis à cette adresse.',
  },
  es: {
    indexTitle: 'Avisos públicos',
    indexIntro: 'Incidentes de seguridad de los que informamos al público porque no pudimos contactar individualmente con todas las personas afectadas.',
    none: 'No hay avisos vigentes.',
    published: 'Publicado',
    postedUntil: 'Publicado hasta',
    updates: 'Actualizaciones',
    otherLanguages: 'Este aviso en otros idiomas',
    reference: 'Referencia',
    feed: 'Suscribirse al canal Atom',
    allAnnouncements: 'Todos los avisos vigentes',
    goneTitle: 'Este aviso ya no está vigente',
    goneBody: 'El aviso que busca ha finalizado o ha sido retirado.',
    notFoundTitle: 'Aviso no encontrado',
    notFoundBody: 'No hay ningún aviso en esta dirección.',
  },
  it: {
    indexTitle: 'Comunicazioni pubbliche',
    indexIntro: 'Incidenti di sicurezza di cui informiamo il pubblico perché non è stato possibile raggiungere individualmente tutte le persone interessate.',
    none: 'Non ci sono comunicazioni in corso.',
    published: 'Pubblicato',
    postedUntil: 'Pubblicato fino al',
    updates: 'Aggiornamenti',
    otherLanguages: 'Questa comunicazione in altre lingue',
    reference: 'Riferimento',
    feed: 'Abbonati al feed Atom',
    allAnnouncements: 'Tutte le comunicazioni in corso',
    goneTitle: 'Questa comunicazione non è più attuale',
    goneBody: 'La comunicazione che cerca è terminata o è stata ritirata.',
    notFoundTitle: 'Comunicazione non trovata',
    notFoundBody: 'A questo indirizzo non c’è alcuna comunicazione.',
  },
  nl: {
    indexTitle: 'Openbare bekendmakingen',
    indexIntro: 'Beveiligingsincidenten waarover wij het publiek informeren omdat wij niet alle betrokkenen persoonlijk konden bereiken.',
    none: 'Er zijn geen actuele bekendmakingen.',
    published: 'Gepubliceerd',
    postedUntil: 'Gepubliceerd tot',
    updates: 'Updates',
    otherLanguages: 'Deze bekendmaking in andere talen',
    reference: 'Kenmerk',
    feed: 'Abonneren op de Atom-feed',
    allAnnouncements: 'Alle actuele bekendmakingen',
    goneTitle: 'Deze bekendmaking is niet meer actueel',
    goneBody: 'De bekendmaking die u zoekt is afgelopen of ingetrokken.',
    notFoundTitle: 'Bekendmaking niet gevonden',
    notFoundBody: 'Op dit adres staat geen bekendmaking.',
  },
};

export const ANNOUNCEMENT_LABEL_LANGUAGES = Object.keys(LABELS);

export function announcementLabels(language: string): AnnouncementLabels {
  return LABELS[primarySubtag(language)] ?? EN;
}

/** A date and time in the page language (UTC), falling back to ISO 8601 for a language Intl does not know. */
export function formatPublicDate(date: Date, language: string): string {
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date) + ' UTC';
  } catch {
    return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  }
}

function time(date: Date, language: string): string {
  return `<time datetime="${date.toISOString()}">${escapeHtml(formatPublicDate(date, language))}</time>`;
}

const STYLE = 'body{font-family:system-ui,Arial,sans-serif;line-height:1.55;max-width:46em;margin:2em auto;padding:0 1em;color:#1a1a1a}'
  + 'h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}.meta,.reference{color:#555}ol.timeline{list-style:none;padding:0}'
  + 'ol.timeline li{border-left:3px solid #ccc;padding-left:.8em;margin-bottom:1em}';

/**
 * A complete page: no scripts, no external resources, nothing that tracks the reader. Crawlers may index it
 * (people must be able to find it), unlike the personal notice pages.
 */
function document(language: string, title: string, body: string, head = ''): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${head}</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The notice's elements of one language, ready to render: headings and plain texts, placeholders filled. */
export function announcementSections(content: NoticeContent, defaultLanguage: string, language: string, context: { pageUrl: string; incidentRef: string }): { language: string; subject: string; sections: NoticeSection[] } {
  const prepared = prepareNotice(
    { defaultLanguage, content },
    { name: null, language, isMinor: false, guardianName: null, postalAddress: null },
    { noticeUrl: context.pageUrl, incidentRef: context.incidentRef },
    { language },
  );
  const subject = fillPlaceholders(prepared.texts.subject, prepared.values);
  return { language: prepared.language, subject: subject.replace(/\s+/g, ' ').trim(), sections: noticeSections(prepared) };
}

/** Sections as HTML: headings, and each text escaped then laid out in paragraphs and lists. */
export function sectionsHtml(sections: readonly NoticeSection[], headingTag: 'h2' | 'h3' = 'h2'): string {
  return sections
    .map((s) => `<section class="${s.key}">\n<${headingTag}>${escapeHtml(s.heading)}</${headingTag}>\n${escapedTextToHtml(escapeHtml(s.text))}\n</section>`)
    .join('\n');
}

export interface AnnouncementPageModel {
  title: string;
  defaultLanguage: string;
  content: NoticeContent;
  incidentRef: string;
  publishedAt: Date;
  visibleUntil: Date;
  updates: readonly { at: Date; body: AnnouncementUpdateBody }[];
  /** The requested language (already negotiated to one the content has). */
  language: string;
  /** Absolute URL of this page (fills `{{noticeUrl}}`). */
  pageUrl: string;
  /** Relative links. */
  indexHref: string;
  feedHref: string;
  languageHref: (language: string) => string;
}

/**
 * The public announcement: title, the notice's elements under headings in the requested language, the dated
 * timeline (newest first), and links to the other languages, the index and the feed.
 */
export function renderAnnouncementPage(m: AnnouncementPageModel): string {
  const { language, subject, sections } = announcementSections(m.content, m.defaultLanguage, m.language, { pageUrl: m.pageUrl, incidentRef: m.incidentRef });
  const labels = announcementLabels(language);
  const title = language === m.defaultLanguage ? m.title : subject || m.title;
  const updates = [...m.updates].sort((a, b) => b.at.getTime() - a.at.getTime());
  const timeline = updates.length === 0 ? '' : `<section class="updates">
<h2>${escapeHtml(labels.updates)}</h2>
<ol class="timeline">
${updates.map((u) => {
    const t = updateText(u.body, language, m.defaultLanguage);
    const lang = t.language !== language ? ` lang="${escapeHtml(t.language)}"` : '';
    return `<li>${time(u.at, language)}<div${lang}>${escapedTextToHtml(escapeHtml(t.text))}</div></li>`;
  }).join('\n')}
</ol>
</section>`;
  const others = Object.keys(m.content).filter((l) => l !== language).sort();
  const languages = others.length === 0 ? '' : `<nav class="languages" aria-label="${escapeHtml(labels.otherLanguages)}"><p>${escapeHtml(labels.otherLanguages)}: ${others
    .map((l) => `<a href="${escapeHtml(m.languageHref(l))}" hreflang="${escapeHtml(l)}" lang="${escapeHtml(l)}">${escapeHtml(languageName(l))}</a>`).join(' · ')}</p></nav>`;
  const body = [
    languages,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">${escapeHtml(labels.published)}: ${time(m.publishedAt, language)} · ${escapeHtml(labels.postedUntil)}: ${time(m.visibleUntil, language)}</p>`,
    sectionsHtml(sections),
    timeline,
    `<p class="reference">${escapeHtml(labels.reference)}: ${escapeHtml(m.incidentRef)}</p>`,
    `<p><a href="${escapeHtml(m.indexHref)}">${escapeHtml(labels.allAnnouncements)}</a> · <a href="${escapeHtml(m.feedHref)}" type="application/atom+xml">${escapeHtml(labels.feed)}</a></p>`,
  ].filter((b) => b !== '').join('\n');
  const head = `<link rel="alternate" type="application/atom+xml" href="${escapeHtml(m.feedHref)}">\n`;
  return document(language, title, body, head);
}

export interface AnnouncementIndexItem {
  title: string;
  language: string;
  href: string;
  publishedAt: Date;
}

/** The index of current announcements, newest first (the caller orders them). */
export function renderAnnouncementIndex(language: string, items: readonly AnnouncementIndexItem[], feedHref: string): string {
  const labels = announcementLabels(language);
  const list = items.length === 0
    ? `<p class="none">${escapeHtml(labels.none)}</p>`
    : `<ul class="announcements">\n${items.map((i) => `<li><a href="${escapeHtml(i.href)}"${i.language !== language ? ` lang="${escapeHtml(i.language)}"` : ''}>${escapeHtml(i.title)}</a> <span class="meta">${escapeHtml(labels.published)}: ${time(i.publishedAt, language)}</span></li>`).join('\n')}\n</ul>`;
  const body = [
    `<h1>${escapeHtml(labels.indexTitle)}</h1>`,
    `<p>${escapeHtml(labels.indexIntro)}</p>`,
    list,
    `<p><a href="${escapeHtml(feedHref)}" type="application/atom+xml">${escapeHtml(labels.feed)}</a></p>`,
  ].join('\n');
  return document(language, labels.indexTitle, body, `<link rel="alternate" type="application/atom+xml" href="${escapeHtml(feedHref)}">\n`);
}

/** The short page of an announcement that ended or was withdrawn (served with 410). */
export function renderAnnouncementGone(language: string, indexHref: string): string {
  const labels = announcementLabels(language);
  return document(language, labels.goneTitle, `<h1>${escapeHtml(labels.goneTitle)}</h1>\n<p>${escapeHtml(labels.goneBody)}</p>\n<p><a href="${escapeHtml(indexHref)}">${escapeHtml(labels.allAnnouncements)}</a></p>`);
}

/** The page of an unknown address (served with 404). */
export function renderAnnouncementNotFound(language: string, indexHref: string): string {
  const labels = announcementLabels(language);
  return document(language, labels.notFoundTitle, `<h1>${escapeHtml(labels.notFoundTitle)}</h1>\n<p>${escapeHtml(labels.notFoundBody)}</p>\n<p><a href="${escapeHtml(indexHref)}">${escapeHtml(labels.allAnnouncements)}</a></p>`);
}

/** A language's own name (`de` → `Deutsch`), or its tag when Intl does not know it. */
export function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames([tag], { type: 'language' }).of(tag);
    return name ? name.charAt(0).toLocaleUpperCase(tag) + name.slice(1) : tag;
  } catch {
    return tag;
  }
}
