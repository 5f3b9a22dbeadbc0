import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditTrail, Database } from '#database';
import { Roles } from '../access/roles.decorator.js';
import { AuditQuery } from './audit.dto.js';
import { AuditRepository } from './audit.repository.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(AuditRepository) private readonly events: AuditRepository,
  ) {}

  /** Recomputes every hash; names the first broken link if any event was altered or removed. */
  @Get('verify')
  @Roles('admin', 'approver')
  async verify() {
    const { checked, firstBreak } = await this.audit.verify(this.db);
    return firstBreak ? { valid: false, checked, firstBrokenLink: firstBreak } : { valid: true, checked };
  }

  @Get('events')
  @Roles('admin', 'approver')
  list(@Query() query: AuditQuery) {
    return this.events.list(query);
  }
}
