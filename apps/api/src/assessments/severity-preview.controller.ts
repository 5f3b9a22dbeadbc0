import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles, STAFF_READ } from '../access/roles.decorator.js';
import { AssessmentInputDto } from './assessment.dto.js';
import { AssessmentService } from './assessment.service.js';

@ApiTags('assessments')
@ApiBearerAuth()
@Controller('v1/severity')
export class SeverityPreviewController {
  constructor(@Inject(AssessmentService) private readonly assessments: AssessmentService) {}

  /** Scores an assessment body without storing it, so a DPO can try inputs. */
  @Post('preview')
  @HttpCode(200)
  @Roles(...STAFF_READ)
  preview(@Body() dto: AssessmentInputDto) {
    return this.assessments.preview(dto);
  }
}
