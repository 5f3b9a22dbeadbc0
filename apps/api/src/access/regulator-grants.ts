import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Database } from '#database';
import type { AuditTrail } from '#database';
import type { Actor } from '#domain';

/**
 * What a regulator-role token may read (table regulator_grants): one report (and its corrections), or the
 * released reports of a regime, optionally of one notification (e.g. `US_CA` / `ca_ag`). The guard attaches
 * the grants of a regulator's token to the request; the report endpoints check them.
 */
export interface RegulatorGrant {
  reportId: string | null;
  regime: string | null;
  notificationId: string | null;
}

export const GRANTS_SQL = `SELECT report_id AS "reportId", regime, notification_id AS "notificationId" FROM regulator_grants WHERE token_id = $1 ORDER BY created_at, id`;

/** The grants of the calling regulator token; empty for staff. */
export const CurrentGrants = createParamDecorator((_: unknown, ctx: ExecutionContext): RegulatorGrant[] => {
  return ctx.switchToHttp().getRequest<{ regulatorGrants?: RegulatorGrant[] }>().regulatorGrants ?? [];
});

/** Audits a regulator token's attempt to reach something it was not issued for (own transaction). */
export async function recordRegulatorDenial(db: Database, audit: AuditTrail, actor: Actor, target: { entityType: string; entityId: string; incidentId?: string | null; reason: string }): Promise<void> {
  await db.transaction((tx) => audit.record(tx, actor, {
    action: 'regulator.access_denied', entityType: target.entityType, entityId: target.entityId, incidentId: target.incidentId ?? null, after: { reason: target.reason },
  }));
}
