import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '#domain';
import { CurrentGrants, type RegulatorGrant } from '../access/regulator-grants.js';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { CreatePeriodicReportDto, CreateReportDto, ListReportsQuery, ReleaseReportDto, SetFieldsDto, SubmitReportDto } from './report.dto.js';
import { type ExportFormat, ReportService } from './report.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1')
export class ReportsController {
  constructor(@Inject(ReportService) private readonly reports: ReportService) {}

  @Get('incidents/:incident/reports')
  @Roles(...STAFF_READ)
  listForIncident(@Param('incident') key: string, @Query() query: ListReportsQuery) {
    return this.reports.list(query, key);
  }

  /** The draft of one regulator obligation: 201 when created, 200 when the open draft was refreshed. */
  @Post('incidents/:incident/reports')
  @Roles(...STAFF_WRITE)
  async create(@CurrentActor() actor: Actor, @Param('incident') key: string, @Body() dto: CreateReportDto, @Res({ passthrough: true }) res: Response) {
    const result = await this.reports.create(actor, key, dto);
    res.status(result.created ? 201 : 200);
    return result.report;
  }

  @Get('reports')
  @Roles(...STAFF_READ)
  list(@Query() query: ListReportsQuery) {
    return this.reports.list(query);
  }

  @Post('reports/periodic')
  @Roles(...STAFF_WRITE)
  async createPeriodic(@CurrentActor() actor: Actor, @Body() dto: CreatePeriodicReportDto, @Res({ passthrough: true }) res: Response) {
    const result = await this.reports.createPeriodic(actor, dto);
    res.status(result.created ? 201 : 200);
    return result.report;
  }

  /** The JSON Schema of exported reports (versioned; see its `x-version`). */
  @Get('reports/schema.json')
  @Roles(...STAFF_READ, 'regulator')
  schema() {
    return this.reports.schema();
  }

  @Get('reports/:id')
  @Roles(...STAFF_READ)
  get(@Param('id', uuidParam('id')) id: string) {
    return this.reports.get(id);
  }

  @Put('reports/:id/fields')
  @Roles(...STAFF_WRITE)
  setFields(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string, @Body() dto: SetFieldsDto) {
    return this.reports.setFields(actor, id, dto);
  }

  @Post('reports/:id/release')
  @HttpCode(200)
  @Roles('approver')
  release(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string, @Body() dto: ReleaseReportDto) {
    return this.reports.release(actor, id, dto);
  }

  @Post('reports/:id/corrections')
  @Roles(...STAFF_WRITE)
  correct(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string) {
    return this.reports.correct(actor, id);
  }

  @Post('reports/:id/submissions')
  @Roles(...STAFF_WRITE, 'approver')
  submit(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string, @Body() dto: SubmitReportDto) {
    return this.reports.submit(actor, id, dto);
  }

  @Get('reports/:id/export.json')
  @Roles(...STAFF_READ, 'regulator')
  exportJson(@CurrentActor() actor: Actor, @CurrentGrants() grants: RegulatorGrant[], @Param('id', uuidParam('id')) id: string, @Res() res: Response) {
    return this.send(actor, grants, id, 'json', res);
  }

  @Get('reports/:id/export.csv')
  @Roles(...STAFF_READ, 'regulator')
  exportCsv(@CurrentActor() actor: Actor, @CurrentGrants() grants: RegulatorGrant[], @Param('id', uuidParam('id')) id: string, @Res() res: Response) {
    return this.send(actor, grants, id, 'csv', res);
  }

  @Get('reports/:id/export.pdf')
  @Roles(...STAFF_READ, 'regulator')
  exportPdf(@CurrentActor() actor: Actor, @CurrentGrants() grants: RegulatorGrant[], @Param('id', uuidParam('id')) id: string, @Res() res: Response) {
    return this.send(actor, grants, id, 'pdf', res);
  }

  private async send(actor: Actor, grants: RegulatorGrant[], id: string, format: ExportFormat, res: Response): Promise<void> {
    const file = await this.reports.export(actor, grants, id, format);
    res.status(200).type(file.contentType).setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.send(file.body);
  }
}
