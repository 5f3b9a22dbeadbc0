import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import { type Actor, REGIME_CATALOG } from '#domain';
import { generateToken, hashToken, tokenPrefix } from '../access/api-token.js';
import { TokenRepository } from '../access/token.repository.js';
import { Problem } from '../common/problem.js';
import { ReportRepository } from '#records';
import type { CreateRegulatorTokenDto } from './regulator.dto.js';

/** Issues regulator-role tokens together with what they may read, in one transaction. */
@Injectable()
export class RegulatorService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(TokenRepository) private readonly tokens: TokenRepository,
    @Inject(ReportRepository) private readonly reports: ReportRepository,
  ) {}

  /** The secret is returned here and never again. */
  async issue(actor: Actor, dto: CreateRegulatorTokenDto) {
    if ((dto.reportId === undefined) === (dto.regime === undefined)) {
      throw Problem.validation([{ field: dto.reportId ? 'regime' : 'reportId', reason: 'give either reportId or regime (with an optional notification), not both or neither' }]);
    }
    if (dto.notification && !dto.regime) throw Problem.validation([{ field: 'notification', reason: 'only goes with regime' }]);
    if (dto.regime) {
      const regime = REGIME_CATALOG.regimes.find((r) => r.id === dto.regime);
      if (!regime) throw Problem.validation([{ field: 'regime', reason: `is not a regime of catalog ${REGIME_CATALOG.version}` }]);
      if (dto.notification && !regime.notifications.some((n) => n.id === dto.notification)) {
        throw Problem.validation([{ field: 'notification', reason: `is not a notification of ${regime.id}` }]);
      }
    }
    const token = generateToken();
    return this.db.transaction(async (tx) => {
      if (dto.reportId && !(await this.reports.find(tx, dto.reportId))) throw Problem.notFound('Report', dto.reportId);
      const row = (await this.tokens.insert(tx, { name: dto.name, role: 'regulator', hash: hashToken(token), prefix: tokenPrefix(token), createdBy: actor.id === 'system' ? null : actor.id }))!;
      const grant = (await tx.one<{ id: string; report_id: string | null; regime: string | null; notification_id: string | null }>(
        `INSERT INTO regulator_grants (token_id, report_id, regime, notification_id, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id, report_id, regime, notification_id`,
        [row.id, dto.reportId ?? null, dto.regime ?? null, dto.notification ?? null, actor.id === 'system' ? null : actor.id],
      ))!;
      const grants = [{ reportId: grant.report_id, regime: grant.regime, notificationId: grant.notification_id }];
      await this.audit.record(tx, actor, {
        action: 'regulator.token_issued', entityType: 'api_token', entityId: row.id,
        after: { name: row.name, role: row.role, prefix: row.token_prefix, grants },
      });
      return { id: row.id, name: row.name, role: row.role, prefix: row.token_prefix, createdAt: row.created_at, grants, token };
    });
  }
}
