import { Inject, Injectable } from '@nestjs/common';
import { Database } from '#database';
import {
  type Actor, canonicalLanguageTag, letterModel, type NoticeSubject, prepareNotice, renderEmail, renderNoticePage, renderPush, renderSms,
} from '#domain';
import { LetterFontError, renderLetterPdf } from '#documents';
import { Problem } from '../common/problem.js';
import { IncidentService } from '../incidents/incident.service.js';
import type { PreviewQuery } from './campaign.dto.js';
import { CampaignRepository } from './campaign.repository.js';
import { CampaignService } from './campaign.service.js';
import { NOTICE_SETTINGS, type NoticeSettings } from './notice-settings.js';

export type Preview = { kind: 'json'; body: Record<string, unknown> } | { kind: 'pdf'; body: Buffer; filename: string };

/** Roles that may see a real subject's name and postal address (as on the subjects list). */
const SUBJECT_READERS = new Set(['admin', 'responder', 'approver']);

@Injectable()
export class CampaignPreviewService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(CampaignService) private readonly campaigns: CampaignService,
    @Inject(CampaignRepository) private readonly repository: CampaignRepository,
    @Inject(NOTICE_SETTINGS) private readonly settings: NoticeSettings,
  ) {}

  /** Renders the campaign on one channel for a real subject of the incident, or for a synthetic sample. */
  async preview(actor: Actor, incidentKey: string, id: string, query: PreviewQuery): Promise<Preview> {
    const incident = await this.incidents.require(this.db, incidentKey);
    const campaign = await this.campaigns.require(this.db, incident.id, id);
    const languages = Object.keys(campaign.content);

    let language: string | undefined;
    if (query.language !== undefined) {
      const canonical = canonicalLanguageTag(query.language);
      language = languages.find((l) => l === canonical);
      if (!language) throw Problem.validation([{ field: 'language', reason: `the campaign has no content in this language; it has ${languages.sort().join(', ')}` }]);
    }

    let subject: NoticeSubject;
    if (query.subject !== undefined) {
      if (!SUBJECT_READERS.has(actor.role)) {
        throw new Problem(403, 'forbidden', 'Not allowed for this role',
          `The role "${actor.role}" may preview with the synthetic sample only: a subject's name and address are for ${[...SUBJECT_READERS].join(', ')}.`);
      }
      if (query.minor !== undefined) throw Problem.validation([{ field: 'minor', reason: 'only applies to the synthetic sample (leave out subject)' }]);
      const row = await this.repository.findSubject(this.db, incident.id, query.subject);
      if (!row) throw Problem.notFound('Subject', query.subject);
      subject = { name: row.name, language: row.language, isMinor: row.is_minor, guardianName: row.guardian_name, postalAddress: row.postal_address };
    } else {
      const minor = query.minor === 'true';
      subject = {
        name: 'Alex Sample',
        language: language ?? campaign.default_language,
        isMinor: minor,
        guardianName: minor ? 'Sam Sample' : null,
        postalAddress: 'Example Street 1\n12345 Example City',
      };
    }

    const noticeUrl = `${this.settings.publicBaseUrl}/n/preview`;
    const prepared = prepareNotice(
      { defaultLanguage: campaign.default_language, content: campaign.content, remediation: campaign.remediation },
      subject, { noticeUrl, incidentRef: incident.ref }, { language },
    );
    const meta = { campaignId: campaign.id, contentHash: campaign.content_hash, channel: query.channel, language: prepared.language, addressedTo: prepared.addressedTo, sample: query.subject === undefined };
    switch (query.channel) {
      case 'email':
        return { kind: 'json', body: { ...meta, ...renderEmail(prepared) } };
      case 'sms':
        return { kind: 'json', body: { ...meta, ...renderSms(prepared, { maxSegments: this.settings.maxSmsSegments }) } };
      case 'push':
        return { kind: 'json', body: { ...meta, ...renderPush(prepared) } };
      case 'page':
        return { kind: 'json', body: { ...meta, html: renderNoticePage(prepared) } };
      case 'letter': {
        if (!subject.postalAddress) {
          throw Problem.conflict('no-postal-address', 'This subject has no postal address', 'A letter needs a postal address; preview another channel or another subject.');
        }
        const model = letterModel(prepared, subject, { senderLine: this.settings.letterSenderLine, date: new Date() });
        try {
          const pdf = await renderLetterPdf(model, { title: model.subject });
          return { kind: 'pdf', body: pdf, filename: `${incident.ref}-${prepared.language}-letter-preview.pdf` };
        } catch (error) {
          if (error instanceof LetterFontError) throw Problem.conflict('letter-font-missing', 'No font can show this letter', error.message);
          throw error;
        }
      }
    }
  }
}
