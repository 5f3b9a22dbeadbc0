import { Inject, Injectable } from '@nestjs/common';
import type { ChannelKind, EmailMessage, OutboundMessage } from '#channels';
import { Database } from '#database';
import {
  chooseNoticeLanguage, emailSubstitutions, escapingOf, type NoticeCampaign, type NoticeContent, prepareNotice, type RemediationBullet, renderEmail, renderEmailTemplate,
  type RenderedEmail, renderPush, renderSms,
} from '#domain';
import { NOTIFIER_CONFIG } from '../tokens.js';
import type { NotifierConfig } from '../notifier-config.js';
import type { ClaimedDelivery } from './delivery.repository.js';

interface FrozenCampaign extends NoticeCampaign {
  incidentRef: string;
  languages: string[];
  /** E-mail templates by language and salutation form; null when the content cannot be templated. */
  emailTemplates: Map<string, RenderedEmail | null>;
  /** The notice language for each subject language seen (choosing canonicalises tags, which costs). */
  languageFor: Map<string | null, string>;
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
    for (const r of rows) {
      this.campaigns.set(r.id, {
        defaultLanguage: r.default_language, content: r.content, remediation: r.remediation, incidentRef: r.ref, languages: Object.keys(r.content), emailTemplates: new Map(), languageFor: new Map(),
      });
    }
  }

  noticeUrl(token: string): string {
    return `${this.config.publicUrl}/n/${token}`;
  }

  /** Throws when the delivery cannot be rendered or addressed; the caller records that as permanent. */
  compose(d: ClaimedDelivery): OutboundMessage {
    const campaign = this.campaigns.get(d.campaign_id);
    if (!campaign) throw new Error('campaign not loaded');
    if (d.channel === 'email') {
      const to = d.is_minor ? d.guardian_email : d.email;
      if (!to) throw new AddressMissing();
      return this.templatedEmail(campaign, d, to) ?? { deliveryId: String(d.id), to, ...renderEmail(this.prepare(campaign, d)) };
    }
    const prepared = this.prepare(campaign, d);
    const deliveryId = String(d.id);
    const channel: Exclude<ChannelKind, 'email'> = d.channel;
    switch (channel) {
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

  private prepare(campaign: FrozenCampaign, d: ClaimedDelivery) {
    return prepareNotice(
      campaign,
      { name: d.name, language: d.language, isMinor: d.is_minor, guardianName: d.guardian_name, postalAddress: d.postal_address },
      { noticeUrl: this.noticeUrl(d.notice_token), incidentRef: campaign.incidentRef },
      { language: this.languageOf(campaign, d.language) },
    );
  }

  private languageOf(campaign: FrozenCampaign, subjectLanguage: string | null): string {
    let language = campaign.languageFor.get(subjectLanguage);
    if (language === undefined) {
      language = chooseNoticeLanguage(subjectLanguage, campaign.languages, campaign.defaultLanguage);
      if (campaign.languageFor.size < 10_000) campaign.languageFor.set(subjectLanguage, language);
    }
    return language;
  }

  /**
   * The campaign's shared e-mail for this recipient's language and salutation, with their name and link as
   * substitutions; null when they need a rendering of their own (see isSubstitutable).
   */
  private templatedEmail(campaign: FrozenCampaign, d: ClaimedDelivery, to: string): EmailMessage | null {
    const name = d.name?.trim() || null;
    const url = this.noticeUrl(d.notice_token);
    const substitutions = emailSubstitutions(name, url);
    if (!substitutions) return null;
    const language = this.languageOf(campaign, d.language);
    const escaping = escapingOf(substitutions);
    const key = `${language}|${d.is_minor}|${name !== null}|${escaping.nameEscapes}|${escaping.urlEscapes}`;
    let template = campaign.emailTemplates.get(key);
    if (template === undefined) {
      template = renderEmailTemplate(campaign, { language, isMinor: d.is_minor, named: name !== null, ...escaping }, campaign.incidentRef);
      campaign.emailTemplates.set(key, template);
    }
    return template && { deliveryId: String(d.id), to, subject: template.subject, html: template.html, text: template.text, substitutions };
  }
}

export class AddressMissing extends Error {
  constructor() {
    super('missing_address');
  }
}
