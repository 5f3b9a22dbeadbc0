import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database, type Sql } from '#database';
import { allowedTransitions, canTransition, formatIncidentRef, isIncidentRef, timestampStampedBy, type Actor } from '#domain';
import { cursorKey, decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { Problem } from '../common/problem.js';
import { toDate } from '../common/validators.js';
import type { CreateIncidentDto, ListIncidentsQuery, TransitionDto, UpdateIncidentDto } from './incident.dto.js';
import { type IncidentChanges, IncidentRepository, type IncidentRow } from './incident.repository.js';
import { incidentView, type IncidentView } from './incident.view.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses an incident path key: a UUID or a human reference such as INC-2026-0001. */
export function incidentKey(value: string): { id?: string; ref?: string } {
  if (UUID.test(value)) return { id: value.toLowerCase() };
  if (isIncidentRef(value)) return { ref: value };
  throw Problem.validation([{ field: 'incident', reason: 'must be an incident UUID or a reference like INC-2026-0001' }]);
}

function checkTimeOrder(r: Pick<IncidentRow, 'occurred_from' | 'occurred_to' | 'detected_at' | 'aware_at'>): void {
  const errors = [];
  if (r.occurred_from && r.occurred_to && r.occurred_from > r.occurred_to) errors.push({ field: 'occurredTo', reason: 'must not be before occurredFrom' });
  if (r.aware_at.getTime() > Date.now() + 5 * 60_000) errors.push({ field: 'awareAt', reason: 'must not be in the future' });
  if (errors.length) throw Problem.validation(errors);
}

@Injectable()
export class IncidentService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentRepository) private readonly incidents: IncidentRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  async create(actor: Actor, dto: CreateIncidentDto): Promise<IncidentView> {
    const fields = {
      title: dto.title,
      description: dto.description ?? '',
      awareAt: new Date(dto.awareAt),
      detectedAt: toDate(dto.detectedAt) ?? null,
      occurredFrom: toDate(dto.occurredFrom) ?? null,
      occurredTo: toDate(dto.occurredTo) ?? null,
    };
    checkTimeOrder({ aware_at: fields.awareAt, detected_at: fields.detectedAt, occurred_from: fields.occurredFrom, occurred_to: fields.occurredTo });
    return this.db.transaction(async (tx) => {
      const year = new Date().getUTCFullYear();
      const ref = formatIncidentRef(year, await this.incidents.nextRef(tx, year));
      const row = (await this.incidents.insert(tx, { ...fields, ref, createdBy: actor.id }))!;
      await this.audit.record(tx, actor, { action: 'incident.created', entityType: 'incident', entityId: row.id, incidentId: row.id, after: row });
      return incidentView(row);
    });
  }

  async get(key: string): Promise<IncidentView> {
    return incidentView(await this.require(this.db, key));
  }

  /** The incident row, or a 404. Other services use it to check an incident exists (and lock it). */
  async require(sql: Sql, key: string, forUpdate = false): Promise<IncidentRow> {
    const row = await this.incidents.find(sql, incidentKey(key), forUpdate);
    if (!row) throw Problem.notFound('Incident', key);
    return row;
  }

  async list(query: ListIncidentsQuery): Promise<Page<IncidentView>> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const rows = await this.incidents.list({ status: query.status, severity: query.severity, q: query.q, after, limit });
    const last = rows[rows.length - 1];
    return { items: rows.map(incidentView), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  async update(actor: Actor, key: string, dto: UpdateIncidentDto): Promise<IncidentView> {
    const changes: IncidentChanges = {
      title: dto.title,
      description: dto.description,
      aware_at: toDate(dto.awareAt) ?? undefined,
      detected_at: toDate(dto.detectedAt),
      occurred_from: toDate(dto.occurredFrom),
      occurred_to: toDate(dto.occurredTo),
      contained_at: toDate(dto.containedAt),
      resolved_at: toDate(dto.resolvedAt),
    };
    return this.db.transaction(async (tx) => {
      const before = await this.require(tx, key, true);
      this.checkVersion(before, dto.version);
      const merged = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as IncidentRow;
      checkTimeOrder(merged);
      const after = (await this.incidents.update(tx, before.id, dto.version, changes))!;
      await this.audit.record(tx, actor, { action: 'incident.updated', entityType: 'incident', entityId: after.id, incidentId: after.id, before, after });
      return incidentView(after);
    });
  }

  async transition(actor: Actor, key: string, dto: TransitionDto): Promise<IncidentView> {
    return this.db.transaction(async (tx) => {
      const before = await this.require(tx, key, true);
      this.checkVersion(before, dto.version);
      if (!canTransition(before.status, dto.to)) {
        const allowed = allowedTransitions(before.status);
        throw Problem.conflict('illegal-transition', 'This status change is not allowed',
          `An incident in status "${before.status}" cannot move to "${dto.to}"; allowed: ${allowed.join(', ') || 'none'}.`,
          { currentStatus: before.status, allowedTransitions: allowed });
      }
      const stamp = timestampStampedBy(dto.to);
      const changes: IncidentChanges = { status: dto.to };
      if (stamp === 'containedAt' && !before.contained_at) changes.contained_at = new Date();
      if (stamp === 'resolvedAt' && !before.resolved_at) changes.resolved_at = new Date();
      if (stamp === 'closedAt') changes.closed_at = new Date();
      const after = (await this.incidents.update(tx, before.id, dto.version, changes))!;
      await this.audit.record(tx, actor, { action: `incident.${dto.to}`, entityType: 'incident', entityId: after.id, incidentId: after.id, before: { status: before.status }, after: { status: after.status, ...changes } });
      return incidentView(after);
    });
  }

  private checkVersion(row: IncidentRow, version: number): void {
    if (row.version !== version) {
      throw Problem.conflict('stale-version', 'The incident was changed by someone else',
        `You sent version ${version}; the incident is at version ${row.version}. Read it again and reapply your change.`,
        { currentVersion: row.version });
    }
  }
}
