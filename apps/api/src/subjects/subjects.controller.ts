import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ImportSubjectsQuery, ListImportsQuery, ListRejectionsQuery, ListSubjectsQuery } from './subject.dto.js';
import { importFormatFor, SubjectImportService } from './subject-import.service.js';
import { SubjectService } from './subject.service.js';
import { importView } from './subject.view.js';

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('v1/incidents/:incident')
export class SubjectsController {
  constructor(
    @Inject(SubjectImportService) private readonly imports: SubjectImportService,
    @Inject(SubjectService) private readonly subjects: SubjectService,
  ) {}

  @Post('subjects/import')
  @HttpCode(200)
  @Roles(...STAFF_WRITE)
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({ description: 'CSV with a header row (camelCase or snake_case columns), or one JSON object per line. Streamed, never buffered.' })
  import(@CurrentActor() actor: Actor, @Param('incident') key: string, @Query() query: ImportSubjectsQuery, @Headers('content-type') contentType: string | undefined, @Req() req: Request) {
    const format = importFormatFor(contentType);
    return this.imports.import(actor, key, format, req, query.dryRun === 'true');
  }

  @Get('subjects')
  @Roles('admin', 'responder', 'approver')
  list(@Param('incident') key: string, @Query() query: ListSubjectsQuery) {
    return this.subjects.list(key, query);
  }

  @Get('subjects/summary')
  @Roles(...STAFF_READ)
  summary(@Param('incident') key: string) {
    return this.subjects.summary(key);
  }

  @Get('imports')
  @Roles(...STAFF_READ)
  async listImports(@Param('incident') key: string, @Query() query: ListImportsQuery) {
    const { rows, nextCursor } = await this.imports.listImports(key, query.limit, query.cursor);
    return { items: rows.map(importView), nextCursor };
  }

  @Get('imports/:importId/rejections')
  @Roles('admin', 'responder', 'approver')
  rejections(@Param('incident') key: string, @Param('importId', uuidParam('importId')) importId: string, @Query() query: ListRejectionsQuery) {
    return this.imports.listRejections(key, importId, query.limit, query.after);
  }
}
