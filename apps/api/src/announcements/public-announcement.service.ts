import { Inject, Injectable } from '@nestjs/common';
import { Database } from '#database';
import {
  ANNOUNCEMENT_LABEL_LANGUAGES, announcementTitle, isAnnouncementCurrent, isAnnouncementSlug, negotiateLanguage, renderAnnouncementGone, renderAnnouncementIndex,
  renderAnnouncementNotFound, renderAnnouncementPage,
} from '#domain';
import { NOTICE_SETTINGS, type NoticeSettings } from '../campaigns/notice-settings.js';
import { announcementFeed } from './announcement-feed.js';
import { AnnouncementRepository } from './announcement.repository.js';

/** How many announcements the index and the feed list (current ones only; they are few). */
const PUBLIC_LIMIT = 100;

export interface LanguageRequest {
  query?: string | null;
  acceptLanguage?: string | null;
}

export interface PublicPage {
  status: 200 | 404 | 410;
  language: string;
  html: string;
}

/** What anyone may read without a token: the current announcements, their pages, and the Atom feed. */
@Injectable()
export class PublicAnnouncementService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AnnouncementRepository) private readonly announcements: AnnouncementRepository,
    @Inject(NOTICE_SETTINGS) private readonly settings: NoticeSettings,
  ) {}

  private url(path = ''): string {
    return `${this.settings.publicBaseUrl}/announcements${path}`;
  }

  /** A published, current announcement; 410 once withdrawn or past its period; 404 if unknown or a draft. */
  async page(slug: string, requested: LanguageRequest): Promise<PublicPage> {
    const row = isAnnouncementSlug(slug) ? await this.announcements.find(this.db, { slug }) : undefined;
    if (!row || row.status === 'draft') {
      const language = negotiateLanguage(ANNOUNCEMENT_LABEL_LANGUAGES, 'en', requested);
      return { status: 404, language, html: renderAnnouncementNotFound(language, this.url()) };
    }
    if (!isAnnouncementCurrent({ status: row.status, visibleUntil: row.visible_until }, new Date())) {
      const language = negotiateLanguage(Object.keys(row.content), row.default_language, requested);
      return { status: 410, language, html: renderAnnouncementGone(language, this.url()) };
    }
    const language = negotiateLanguage(Object.keys(row.content), row.default_language, requested);
    const updates = await this.announcements.updates(this.db, row.id);
    const pageUrl = this.url(`/${row.slug}`);
    const html = renderAnnouncementPage({
      title: row.title,
      defaultLanguage: row.default_language,
      content: row.content,
      incidentRef: row.incident_ref,
      publishedAt: row.published_at!,
      visibleUntil: row.visible_until!,
      updates: updates.map((u) => ({ at: u.at, body: u.body })),
      language,
      pageUrl,
      indexHref: this.url(),
      feedHref: this.url('/feed.atom'),
      languageHref: (l) => `${pageUrl}?lang=${encodeURIComponent(l)}`,
    });
    return { status: 200, language, html };
  }

  async index(requested: LanguageRequest): Promise<PublicPage> {
    const language = negotiateLanguage(ANNOUNCEMENT_LABEL_LANGUAGES, 'en', requested);
    const rows = await this.announcements.current(PUBLIC_LIMIT);
    const items = rows.map((r) => {
      const own = negotiateLanguage(Object.keys(r.content), r.default_language, { query: language });
      const title = own === r.default_language ? r.title : announcementTitle(r.content, own, r.incident_ref);
      return { title, language: own, href: this.url(`/${r.slug}`), publishedAt: r.published_at! };
    });
    return { status: 200, language, html: renderAnnouncementIndex(language, items, this.url('/feed.atom')) };
  }

  async feed(): Promise<string> {
    return announcementFeed(await this.announcements.current(PUBLIC_LIMIT), this.settings.publicBaseUrl);
  }
}
