import { Inject, Injectable } from '@nestjs/common';
import type { ChannelKind, OutboundMessage } from '#channels';
import { Database } from '#database';
import { type NoticeCampaign, prepareNotice, type RemediationBullet, renderEmail, renderPush, renderSms, type NoticeContent } from '#domain';
import { NOTIFIER_CONFIG } from '../tokens.js';
import type { NotifierConfig } from '../notifier-config.js';
import type { ClaimedDelivery } from './delivery.repository.js';

interface FrozenCampaign extends NoticeCampaign {
  incidentRef: string;
}

/** Turns a claimed delivery into the message its channel sends, in the subject's language. */
@Injectable()
export class NoticeComposer {
  // Approved content is frozen, so a campaign read once stays valid for the life of the process.
  private readonly campaigns = new Map<string, FrozenCampaign>();

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
  ) {}

  async load(campaignIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(campaignIds)].filter((id) => !this.campaigns.has(id));
    if (missing.length === 0) return;
    const rows = await this.db.rows<{ id: string; default_language: string; content: NoticeContent; remediation: RemediationBullet[] | null; ref: string }>(
      `SELECT c.id, c.default_language, c.content, c.remediation, i.ref FROM notice_campaigns c JOIN incidents i ON i.id = c.incident_id WHERE c.id = ANY($1)`,
      [missing],
    );
    for (const r of rows) this.campaigns.set(r.id, { defaultLanguage: r.default_language, content: r.content, remediation: r.remediation, incidentRef: r.ref });
  }

  noticeUrl(token: string): string {
    return `${this.config.publicUrl}/n/${token}`;
  }

  /** Throws when the delivery cannot be rendered or addressed; the caller records that as permanent. */
  compose(d: ClaimedDelivery): OutboundMessage {
    const campaign = this.campaigns.get(d.campaign_id);
    if (!campaign) throw new Error('campaign not loaded');
    const prepared = prepareNotice(
      campaign,
      { name: d.name, language: d.language, isMinor: d.is_minor, guardianName: d.guardian_name, postalAddress: d.postal_address },
      { noticeUrl: this.noticeUrl(d.notice_token), incidentRef: campaign.incidentRef },
    );
    const deliveryId = String(d.id);
    const channel: ChannelKind = d.channel;
    switch (channel) {
      case 'email': {
        const to = d.is_minor ? d.guardian_email : d.email;
        if (!to) throw new AddressMissing();
        return { deliveryId, to, ...renderEmail(prepared) };
      }
      case 'sms': {
        const to = d.is_minor ? d.guardian_phone : d.phone;
        if (!to) throw new AddressMissing();
        return { deliveryId, to, body: renderSms(prepared).text };
      }
      case 'push': {
        const token = d.is_minor ? undefined : d.push_tokens[0];
        if (!token) throw new AddressMissing();
        const push = renderPush(prepared);
        return { deliveryId, token, title: push.title, body: push.body, link: push.link };
      }
      case 'letter': {
        if (!d.postal_address) throw new AddressMissing();
        return { deliveryId, postalAddress: d.postal_address, documentRef: `delivery:${d.id}` };
      }
    }
  }
}

export class AddressMissing extends Error {
  constructor() {
    super('missing_address');
  }
}
