import { Inject, Injectable } from '@nestjs/common';
import { Database } from '#database';
import { SUBJECT_CHANNELS, type SubjectChannel } from '#domain';
import { decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { IncidentService } from '../incidents/incident.service.js';
import type { ListSubjectsQuery } from './subject.dto.js';
import { SubjectRepository } from './subject.repository.js';
import { subjectView, type SubjectView } from './subject.view.js';

type ChannelCounts = Record<SubjectChannel | 'none', number>;

export interface SubjectSummary {
  incidentId: string;
  total: number;
  /** Subjects reachable on each channel (a subject may count under several); `none`: on no channel. */
  byChannel: ChannelCounts;
  byCountry: { country: string | null; subjects: number; byChannel: ChannelCounts }[];
  byRegion: { country: string | null; region: string; subjects: number }[];
}

@Injectable()
export class SubjectService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(SubjectRepository) private readonly subjects: SubjectRepository,
    @Inject(IncidentService) private readonly incidents: IncidentService,
  ) {}

  async list(incidentKey: string, query: ListSubjectsQuery): Promise<Page<SubjectView>> {
    const incident = await this.incidents.require(this.db, incidentKey);
    const limit = query.limit ?? 100;
    // Keyset on the external reference (unique per incident), the order of the listing.
    const afterRef = query.cursor ? String(decodeCursor(query.cursor, 1, [(v) => typeof v === 'string'])[0]) : undefined;
    const rows = await this.subjects.listSubjects({ incidentId: incident.id, limit, afterRef, country: query.country?.toUpperCase(), channel: query.channel });
    const last = rows[rows.length - 1];
    return { items: rows.map(subjectView), nextCursor: rows.length === limit && last ? encodeCursor([last.external_ref]) : null };
  }

  async summary(incidentKey: string): Promise<SubjectSummary> {
    const incident = await this.incidents.require(this.db, incidentKey);
    const rows = await this.subjects.summary(incident.id);
    const channels = (r: (typeof rows)[number]): ChannelCounts =>
      Object.fromEntries([...SUBJECT_CHANNELS, 'none'].map((c) => [c, r[c as SubjectChannel | 'none']])) as ChannelCounts;
    const total = rows.find((r) => r.by === 'total');
    return {
      incidentId: incident.id,
      total: total?.subjects ?? 0,
      byChannel: total ? channels(total) : { email: 0, phone: 0, push: 0, postal: 0, none: 0 },
      byCountry: rows.filter((r) => r.by === 'country').map((r) => ({ country: r.country, subjects: r.subjects, byChannel: channels(r) })),
      byRegion: rows.filter((r) => r.by === 'region' && r.region !== null).map((r) => ({ country: r.country, region: r.region!, subjects: r.subjects })),
    };
  }
}
