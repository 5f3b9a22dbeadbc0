import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { TwilioParams } from '#channels';
import { Public } from '../access/roles.decorator.js';
import { NOTICE_SETTINGS, type NoticeSettings } from '../campaigns/notice-settings.js';
import { Problem } from '../common/problem.js';
import { WEBHOOK_CONFIG, type WebhookConfig } from './webhook-config.js';
import { WebhookService } from './webhook.service.js';

/** Twilio status callbacks are a few hundred bytes; anything far larger is not one. */
const TWILIO_BODY_LIMIT = 64 * 1024;

/** Reads a body no parser consumed (form posts), up to `limit` bytes. */
async function readBody(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Problem(413, 'payload-too-large', 'Request body too large', `body: larger than the limit of ${limit} bytes`, [{ field: 'body', reason: `exceeds ${limit} bytes` }]);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function formParams(body: Buffer): TwilioParams {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) {
    const existing = params[key];
    params[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return params;
}

/**
 * Delivery status webhooks of the providers. Public routes: each request is authenticated by its
 * provider's signature only. They answer 503 (and change nothing) while their key is not configured.
 */
@ApiTags('webhooks')
@Controller('v1/webhooks')
@Public()
export class WebhooksController {
  constructor(
    @Inject(WebhookService) private readonly webhooks: WebhookService,
    @Inject(NOTICE_SETTINGS) private readonly settings: NoticeSettings,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {}

  @Post('sendgrid')
  @HttpCode(200)
  @ApiOperation({ summary: 'SendGrid Event Webhook (signed: X-Twilio-Email-Event-Webhook-Signature / -Timestamp over the raw body)' })
  sendgrid(@Req() req: Request & { rawBody?: Buffer }) {
    return this.webhooks.sendGrid(req.rawBody, req.body, req.headers);
  }

  @Post('twilio')
  @HttpCode(200)
  @ApiOperation({ summary: 'Twilio message status callback (signed: X-Twilio-Signature over the public URL and the form)' })
  async twilio(@Req() req: Request) {
    const config = this.webhooks.requireTwilio();
    if (!req.is('application/x-www-form-urlencoded')) {
      throw Problem.validation([{ field: 'content-type', reason: 'must be application/x-www-form-urlencoded (a Twilio status callback)' }]);
    }
    const params = formParams(await readBody(req, TWILIO_BODY_LIMIT));
    return this.webhooks.twilio(this.signedUrls(req.originalUrl, config.callbackUrl), params, req.headers);
  }

  /**
   * The URLs Twilio may have signed: TOCSIN_PUBLIC_URL + the path and query received; and, when
   * TWILIO_STATUS_CALLBACK_URL is set (a proxy may map it to another path), that URL with the query received.
   */
  private signedUrls(originalUrl: string, callbackUrl: string | undefined): string[] {
    const urls = [`${this.settings.publicBaseUrl}${originalUrl}`];
    if (callbackUrl) {
      const query = originalUrl.includes('?') ? originalUrl.slice(originalUrl.indexOf('?')) : '';
      const base = new URL(callbackUrl);
      urls.push(`${base.origin}${base.pathname}${query}`);
    }
    return [...new Set(urls)];
  }
}
