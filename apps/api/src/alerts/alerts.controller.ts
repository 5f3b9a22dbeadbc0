import { Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { AuditTrail, Database } from '#database';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ } from '../access/roles.decorator.js';
import { Problem } from '../common/problem.js';
import { AlertRepository, type AlertRow } from './alert.repository.js';
import { AfterIdQuery } from '../common/after-id.query.js';

export class AlertQuery extends AfterIdQuery {
  @ApiPropertyOptional({ default: true, description: 'Only alerts nobody has acknowledged yet.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  incidentId?: string;


}

const view = (a: AlertRow) => ({
  id: a.id, kind: a.kind, severity: a.severity, incidentId: a.incident_id, campaignId: a.campaign_id, message: a.message,
  createdAt: a.created_at, acknowledgedAt: a.acknowledged_at, acknowledgedBy: a.acknowledged_by,
});

/** What the notifier raised for the security team: deadlines near or missed, channels stopped, announcements. */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AlertRepository) private readonly alerts: AlertRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  @Get()
  @Roles(...STAFF_READ)
  async list(@Query() q: AlertQuery) {
    const limit = q.limit ?? 100;
    const rows = await this.alerts.list({ open: q.open ?? true, incidentId: q.incidentId, after: q.after, limit });
    return { items: rows.map(view), nextAfter: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('admin', 'responder', 'approver')
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIntPipe({ exceptionFactory: () => Problem.validation([{ field: 'id', reason: 'must be an alert id (a positive integer)' }]) })) id: number,
  ) {
    return this.db.transaction(async (tx) => {
      const row = await this.alerts.acknowledge(tx, id, actor.id);
      if (!row) throw Problem.notFound('Alert', String(id));
      await this.audit.record(tx, actor, { action: 'alert.acknowledged', entityType: 'alert', entityId: String(id), incidentId: row.incident_id, after: view(row) });
      return view(row);
    });
  }
}
