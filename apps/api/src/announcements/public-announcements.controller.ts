import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../access/roles.decorator.js';
import { type PublicPage, PublicAnnouncementService } from './public-announcement.service.js';

/** Plain pages for anyone: a short shared cache, no scripts, no outside resources, nothing that tracks. */
const PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'public, max-age=60',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

function send(res: Response, page: PublicPage): void {
  res.status(page.status).set(PAGE_HEADERS).set({ 'Content-Language': page.language, Vary: 'Accept-Language' }).type('html').send(page.html);
}

const lang = (value: unknown): string | null => (typeof value === 'string' && value.length <= 100 ? value : null);

/** The public announcement pages and their Atom feed, outside /v1 and without a token. */
@ApiExcludeController()
@Controller('announcements')
@Public()
export class PublicAnnouncementsController {
  constructor(@Inject(PublicAnnouncementService) private readonly pages: PublicAnnouncementService) {}

  @Get()
  async index(@Query('lang') query: unknown, @Headers('accept-language') acceptLanguage: string | undefined, @Res() res: Response): Promise<void> {
    send(res, await this.pages.index({ query: lang(query), acceptLanguage }));
  }

  // Declared before ':slug' (a slug never contains a dot).
  @Get('feed.atom')
  async feed(@Res() res: Response): Promise<void> {
    const xml = await this.pages.feed();
    res.status(200).set({ 'Cache-Control': 'public, max-age=60', 'X-Content-Type-Options': 'nosniff' }).type('application/atom+xml; charset=utf-8').send(xml);
  }

  @Get(':slug')
  async page(@Param('slug') slug: string, @Query('lang') query: unknown, @Headers('accept-language') acceptLanguage: string | undefined, @Res() res: Response): Promise<void> {
    send(res, await this.pages.page(slug, { query: lang(query), acceptLanguage }));
  }
}
