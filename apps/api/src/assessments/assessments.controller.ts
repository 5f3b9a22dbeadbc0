import { Body, Controller, Get, Inject, Param, type PipeTransform, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { Problem } from '../common/problem.js';
import { AssessmentInputDto } from './assessment.dto.js';
import { AssessmentService } from './assessment.service.js';

/** A version path parameter: a positive whole number, else a 400 naming `version`. */
class VersionPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,8}$/.test(value)) throw Problem.validation([{ field: 'version', reason: 'must be a positive whole number (1, 2, 3 …) or "latest"' }]);
    return Number(value);
  }
}

@ApiTags('assessments')
@ApiBearerAuth()
@Controller('v1/incidents/:incident/assessments')
export class AssessmentsController {
  constructor(@Inject(AssessmentService) private readonly assessments: AssessmentService) {}

  /** Adds a new version; older versions stay as they were. */
  @Post()
  @Roles(...STAFF_WRITE)
  create(@CurrentActor() actor: Actor, @Param('incident') key: string, @Body() dto: AssessmentInputDto) {
    return this.assessments.create(actor, key, dto);
  }

  @Get()
  @Roles(...STAFF_READ)
  list(@Param('incident') key: string) {
    return this.assessments.list(key);
  }

  // Declared before `:version` so that `latest` is not read as a version.
  @Get('latest')
  @Roles(...STAFF_READ)
  latest(@Param('incident') key: string) {
    return this.assessments.latest(key);
  }

  @Get(':version')
  @Roles(...STAFF_READ)
  get(@Param('incident') key: string, @Param('version', new VersionPipe()) version: number) {
    return this.assessments.get(key, version);
  }
}
