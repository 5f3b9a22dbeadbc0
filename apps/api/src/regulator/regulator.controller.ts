import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentGrants, type RegulatorGrant } from '../access/regulator-grants.js';
import { CurrentActor, Roles } from '../access/roles.decorator.js';
import { ListReportsQuery } from '../reports/report.dto.js';
import { ReportService } from '../reports/report.service.js';
import { CreateRegulatorTokenDto } from './regulator.dto.js';
import { RegulatorService } from './regulator.service.js';

@ApiTags('regulator')
@ApiBearerAuth()
@Controller('v1/regulator')
export class RegulatorController {
  constructor(
    @Inject(RegulatorService) private readonly regulator: RegulatorService,
    @Inject(ReportService) private readonly reports: ReportService,
  ) {}

  /** An admin issues a regulator token for one report or for a regulator (regime, optional notification). */
  @Post('tokens')
  @Roles('admin')
  issue(@CurrentActor() actor: Actor, @Body() dto: CreateRegulatorTokenDto) {
    return this.regulator.issue(actor, dto);
  }

  /** What the calling regulator token may read: released reports it was issued for. Exports: /v1/reports/:id/export.{json,csv,pdf}. */
  @Get('reports')
  @Roles('regulator')
  list(@CurrentGrants() grants: RegulatorGrant[], @Query() query: ListReportsQuery) {
    return this.reports.regulatorList(grants, query);
  }
}
