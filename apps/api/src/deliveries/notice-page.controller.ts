import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { prepareNotice, renderNoticePage } from '#domain';
import { Public } from '../access/roles.decorator.js';
import { NOTICE_SETTINGS, type NoticeSettings } from '../campaigns/notice-settings.js';
import { DeliveryReadRepository } from './delivery-read.repository.js';

const NOT_FOUND = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Notice not found</title></head><body><h1>Notice not found</h1><p>This link is not valid. If you received it in a message from us, please use the contact details in that message.</p></body></html>';

/** The full notice behind each person's unguessable link; opening it is recorded on the delivery. */
@ApiExcludeController()
@Controller('n')
@Public()
export class NoticePageController {
  constructor(
    @Inject(DeliveryReadRepository) private readonly deliveries: DeliveryReadRepository,
    @Inject(NOTICE_SETTINGS) private readonly settings: NoticeSettings,
  ) {}

  @Get(':token')
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('X-Robots-Tag', 'noindex')
  async page(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const notice = await this.deliveries.openNotice(token);
    if (!notice) {
      res.status(404).type('html').send(NOT_FOUND);
      return;
    }
    const prepared = prepareNotice(
      { defaultLanguage: notice.default_language, content: notice.content, remediation: notice.remediation },
      { name: notice.name, language: notice.language, isMinor: notice.is_minor, guardianName: notice.guardian_name, postalAddress: notice.postal_address },
      { noticeUrl: `${this.settings.publicBaseUrl}/n/${token}`, incidentRef: notice.incident_ref },
    );
    res.status(200).type('html').send(renderNoticePage(prepared));
  }
}
