import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database, type Sql } from '#database';
import type { Actor } from '#domain';
import { cursorKey, decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { Problem } from '../common/problem.js';
import { toDate } from '../common/validators.js';
import { IncidentService } from '../incidents/incident.service.js';
import type { CreateThirdPartyDto, ListThirdPartiesQuery, MarkNotifiedDto, UpdateThirdPartyDto } from './third-party.dto.js';
import { THIRD_PARTY_FIELDS, type ThirdPartyFields, ThirdPartyRepository, type ThirdPartyRow } from './third-party.repository.js';
import { thirdPartyView, type ThirdPartyView } from './third-party.view.js';

// Clocks drift: a time up to this far ahead of ours is still "now".
const CLOCK_SKEW_MS = 5 * 60_000;

function checkNotifiedAt(at: Date | null | undefined, now: Date): void {
  if (at && at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw Problem.validation([{ field: 'notifiedAt', reason: 'must not be in the future' }]);
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

@Injectable()
export class ThirdPartyService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(ThirdPartyRepository) private readonly parties: ThirdPartyRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  async create(actor: Actor, incidentKey: string, dto: CreateThirdPartyDto): Promise<ThirdPartyView> {
    const fields: ThirdPartyFields = {
      name: dto.name,
      role: dto.role,
      contact_name: dto.contactName ?? null,
      contact_email: dto.contactEmail ?? null,
      contact_phone: dto.contactPhone ?? null,
      data_categories: dto.dataCategories ?? [],
      notified_at: toDate(dto.notifiedAt) ?? null,
      notes: dto.notes ?? '',
    };
    checkNotifiedAt(fields.notified_at, new Date());
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const row = (await this.parties.insert(tx, incident.id, fields))!;
      await this.audit.record(tx, actor, { action: 'third_party.created', entityType: 'third_party', entityId: row.id, incidentId: incident.id, after: row });
      return thirdPartyView(row);
    });
  }

  async get(incidentKey: string, id: string): Promise<ThirdPartyView> {
    const incident = await this.incidents.require(this.db, incidentKey);
    return thirdPartyView(await this.require(this.db, incident.id, id));
  }

  async list(incidentKey: string, query: ListThirdPartiesQuery): Promise<Page<ThirdPartyView>> {
    const incident = await this.incidents.require(this.db, incidentKey);
    const limit = query.limit ?? 100;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const notified = query.notified === undefined ? undefined : query.notified === 'true';
    const rows = await this.parties.list({ incidentId: incident.id, notified, role: query.role, after, limit });
    const last = rows[rows.length - 1];
    return { items: rows.map(thirdPartyView), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  async update(actor: Actor, incidentKey: string, id: string, dto: UpdateThirdPartyDto): Promise<ThirdPartyView> {
    const given: Partial<ThirdPartyFields> = {
      name: dto.name,
      role: dto.role,
      contact_name: dto.contactName,
      contact_email: dto.contactEmail,
      contact_phone: dto.contactPhone,
      data_categories: dto.dataCategories,
      notified_at: toDate(dto.notifiedAt),
      notes: dto.notes,
    };
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const before = await this.require(tx, incident.id, id, true);
      this.checkVersion(before, dto.version);
      checkNotifiedAt(given.notified_at, new Date());
      const fields = { ...before } as ThirdPartyFields;
      for (const k of THIRD_PARTY_FIELDS) if (given[k] !== undefined) (fields as Record<string, unknown>)[k] = given[k];
      if (THIRD_PARTY_FIELDS.every((k) => same(before[k], fields[k]))) return thirdPartyView(before);
      const after = (await this.parties.update(tx, before.id, dto.version, fields))!;
      await this.audit.record(tx, actor, { action: 'third_party.updated', entityType: 'third_party', entityId: after.id, incidentId: incident.id, before, after });
      return thirdPartyView(after);
    });
  }

  /** Records that the party was told. Telling them again does not move the first time: correct it with PATCH. */
  async markNotified(actor: Actor, incidentKey: string, id: string, dto: MarkNotifiedDto): Promise<ThirdPartyView> {
    const now = new Date();
    const notifiedAt = dto.notifiedAt ? new Date(dto.notifiedAt) : now;
    checkNotifiedAt(notifiedAt, now);
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const before = await this.require(tx, incident.id, id, true);
      this.checkVersion(before, dto.version);
      if (before.notified_at) {
        throw Problem.conflict('already-notified', 'This third party is already recorded as notified',
          `They were recorded as notified at ${before.notified_at.toISOString()}; to correct that time, PATCH notifiedAt.`,
          { notifiedAt: before.notified_at, currentVersion: before.version });
      }
      const after = (await this.parties.update(tx, before.id, dto.version, { ...before, notified_at: notifiedAt }))!;
      await this.audit.record(tx, actor, { action: 'third_party.notified', entityType: 'third_party', entityId: after.id, incidentId: incident.id, before, after });
      return thirdPartyView(after);
    });
  }

  private checkVersion(row: ThirdPartyRow, version: number): void {
    if (row.version !== version) {
      throw Problem.conflict('stale-version', 'The third party was changed by someone else',
        `You sent version ${version}; the third party is at version ${row.version}. Read it again and reapply your change.`,
        { currentVersion: row.version });
    }
  }

  private async require(sql: Sql, incidentId: string, id: string, forUpdate = false): Promise<ThirdPartyRow> {
    const row = await this.parties.find(sql, incidentId, id, forUpdate);
    if (!row) throw Problem.notFound('Third party', id);
    return row;
  }
}
