import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database, type Sql } from '#database';
import type { Actor } from '#domain';
import { cursorKey, decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { type FieldError, Problem } from '../common/problem.js';
import { toDate } from '../common/validators.js';
import { IncidentService } from '../incidents/incident.service.js';
import type { CreateRemediationActionDto, ListRemediationActionsQuery, UpdateRemediationActionDto } from './remediation.dto.js';
import { REMEDIATION_FIELDS, type RemediationActionFields, type RemediationActionRow, RemediationRepository } from './remediation.repository.js';
import { remediationActionView, type RemediationActionView } from './remediation.view.js';

// Clocks drift: a done time up to this far ahead of ours is still "now".
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Settles the done time and checks the rules that span fields, on the record as it would be stored.
 * `given` is what the caller sent: a done time carried over from before is cleared when the action
 * leaves `done`, one the caller sends with another status is refused.
 */
function settle(f: RemediationActionFields, given: { doneAt?: string | null }, now: Date): RemediationActionFields {
  const errors: FieldError[] = [];
  const out = { ...f };
  if (out.status === 'done') {
    if (given.doneAt === null) errors.push({ field: 'doneAt', reason: 'cannot be cleared while status is done (leave it out to stamp the current time)' });
    else if (!out.done_at) out.done_at = now;
    else if (out.done_at.getTime() > now.getTime() + CLOCK_SKEW_MS) errors.push({ field: 'doneAt', reason: 'must not be in the future' });
  } else if (typeof given.doneAt === 'string') {
    errors.push({ field: 'doneAt', reason: `is only allowed with status done (status is ${out.status})` });
  } else {
    out.done_at = null;
  }
  if (out.include_in_notice && !out.public_wording?.trim()) {
    errors.push({ field: 'publicWording', reason: 'is required when includeInNotice is true: it is the sentence the notice will use' });
  }
  if (errors.length) throw Problem.validation(errors);
  return out;
}

function changed(before: RemediationActionFields, after: RemediationActionFields): boolean {
  return REMEDIATION_FIELDS.some((k) => {
    const [a, b] = [before[k], after[k]];
    return a instanceof Date && b instanceof Date ? a.getTime() !== b.getTime() : a !== b;
  });
}

@Injectable()
export class RemediationService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(RemediationRepository) private readonly actions: RemediationRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  async create(actor: Actor, incidentKey: string, dto: CreateRemediationActionDto): Promise<RemediationActionView> {
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const fields = settle({
        kind: dto.kind,
        title: dto.title,
        description: dto.description ?? '',
        status: dto.status ?? 'planned',
        owner: dto.owner ?? null,
        due_at: toDate(dto.dueAt) ?? null,
        done_at: toDate(dto.doneAt) ?? null,
        include_in_notice: dto.includeInNotice ?? false,
        public_wording: dto.publicWording ?? null,
      }, dto, new Date());
      const row = (await this.actions.insert(tx, incident.id, fields))!;
      await this.audit.record(tx, actor, { action: 'remediation.created', entityType: 'remediation_action', entityId: row.id, incidentId: incident.id, after: row });
      return remediationActionView(row);
    });
  }

  async get(incidentKey: string, id: string): Promise<RemediationActionView> {
    const incident = await this.incidents.require(this.db, incidentKey);
    return remediationActionView(await this.require(this.db, incident.id, id));
  }

  async list(incidentKey: string, query: ListRemediationActionsQuery): Promise<Page<RemediationActionView>> {
    const incident = await this.incidents.require(this.db, incidentKey);
    const limit = query.limit ?? 100;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const includeInNotice = query.includeInNotice === undefined ? undefined : query.includeInNotice === 'true';
    const rows = await this.actions.list({ incidentId: incident.id, includeInNotice, status: query.status, after, limit });
    const last = rows[rows.length - 1];
    return { items: rows.map(remediationActionView), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  async update(actor: Actor, incidentKey: string, id: string, dto: UpdateRemediationActionDto): Promise<RemediationActionView> {
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const before = await this.require(tx, incident.id, id, true);
      if (before.version !== dto.version) {
        throw Problem.conflict('stale-version', 'The remediation action was changed by someone else',
          `You sent version ${dto.version}; the remediation action is at version ${before.version}. Read it again and reapply your change.`,
          { currentVersion: before.version });
      }
      const given: Partial<RemediationActionFields> = {
        kind: dto.kind,
        title: dto.title,
        description: dto.description,
        status: dto.status,
        owner: dto.owner,
        due_at: toDate(dto.dueAt),
        done_at: toDate(dto.doneAt),
        include_in_notice: dto.includeInNotice,
        public_wording: dto.publicWording,
      };
      const merged = { ...before } as RemediationActionFields;
      for (const k of REMEDIATION_FIELDS) if (given[k] !== undefined) (merged as Record<string, unknown>)[k] = given[k];
      const fields = settle(merged, dto, new Date());
      if (!changed(before, fields)) return remediationActionView(before);
      const after = (await this.actions.update(tx, before.id, dto.version, fields))!;
      await this.audit.record(tx, actor, { action: 'remediation.updated', entityType: 'remediation_action', entityId: after.id, incidentId: incident.id, before, after });
      return remediationActionView(after);
    });
  }

  private async require(sql: Sql, incidentId: string, id: string, forUpdate = false): Promise<RemediationActionRow> {
    const row = await this.actions.find(sql, incidentId, id, forUpdate);
    if (!row) throw Problem.notFound('Remediation action', id);
    return row;
  }
}
