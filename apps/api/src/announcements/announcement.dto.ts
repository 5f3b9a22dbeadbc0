import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { ANNOUNCEMENT_STATUSES, type AnnouncementStatus, MAX_SUBSTITUTE_DAYS } from '#domain';
import { CursorPageQuery } from '../common/cursor-page.query.js';

/*
 * The announcement's texts are checked as a whole by `validateAnnouncementDraft` (#domain), so one 400 names
 * every problem at once (each missing notice element of each language). Here they are only declared.
 */

const CONTENT_DOC = {
  description: 'Per language, the notice the public reads (same shape as a campaign\'s content): {subject, whatHappened, possibleImpact?, measuresTaken, selfProtection, remedialMeasures, contactPoint}. '
    + 'Plain text; placeholders {{incidentRef}}, {{noticeUrl}} (the announcement page), {{contactPoint}}, {{name}} ("customer"). On PATCH it replaces the whole map.',
  example: { en: { subject: 'A security incident affecting customer data ({{incidentRef}})', whatHappened: '…', measuresTaken: '…', selfProtection: '…', remedialMeasures: '…', contactPoint: 'dpo@example.org' } },
};
const DURATION_DOC = { description: `Days the announcement stays up once published (1–${MAX_SUBSTITUTE_DAYS}); default 90.`, example: 90 };

export class CreateAnnouncementDto {
  @ApiProperty({ description: 'The incident: its UUID or reference (INC-2026-0001).', example: 'INC-2026-0001' })
  @IsString()
  @Length(1, 100)
  incident!: string;

  @ApiPropertyOptional({ description: 'The campaign this announcement stands in for (at most one announcement per campaign).', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ description: 'Headline; default: the default language\'s subject with the reference filled in.' })
  @IsOptional()
  title?: unknown;

  @ApiProperty({ description: 'BCP 47; content must have it.', example: 'en' })
  @IsOptional() // required: checked with the rest by validateAnnouncementDraft, so one 400 names every problem
  defaultLanguage!: unknown;

  @ApiProperty(CONTENT_DOC)
  @IsOptional() // required: checked with the rest by validateAnnouncementDraft, so one 400 names every problem
  content!: unknown;

  @ApiPropertyOptional(DURATION_DOC)
  @IsOptional()
  durationDays?: unknown;

  @ApiProperty({ description: 'Why the public is told (kept for the record, not shown publicly).', example: 'Postal addresses of 40% of the customers are out of date.' })
  @IsOptional() // required: checked with the rest by validateAnnouncementDraft, so one 400 names every problem
  reason!: unknown;
}

export class UpdateAnnouncementDto {
  @ApiProperty({ description: 'The version you read; a stale one gets 409 and nothing is written.' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ description: 'Drafts only.' })
  @IsOptional()
  title?: unknown;

  @ApiPropertyOptional({ description: 'Drafts only.' })
  @IsOptional()
  defaultLanguage?: unknown;

  @ApiPropertyOptional({ ...CONTENT_DOC, description: `Drafts only. ${CONTENT_DOC.description}` })
  @IsOptional()
  content?: unknown;

  @ApiPropertyOptional({ ...DURATION_DOC, description: `${DURATION_DOC.description} A published announcement's period can only be extended (withdraw with force to end it early).` })
  @IsOptional()
  durationDays?: unknown;

  @ApiPropertyOptional({ description: 'Drafts only.' })
  @IsOptional()
  reason?: unknown;
}

export class PublishAnnouncementDto {
  @ApiProperty({ description: 'The version you reviewed.' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class WithdrawAnnouncementDto {
  @ApiPropertyOptional({ description: 'When given, a stale version gets 409.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ description: 'Withdraw before visibleUntil (the required posting period): needs a reason.', default: false })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ description: 'Why it is withdrawn; required with force.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class AddAnnouncementUpdateDto {
  @ApiProperty({ description: 'The news: a text (in the default language) or one text per language {"en": "…", "de": "…"}.', example: 'Our helpline is now open on weekends.' })
  @IsDefined()
  body!: unknown;
}

export class ListAnnouncementsQuery extends CursorPageQuery(200, 50) {
  @ApiPropertyOptional({ description: 'Only this incident\'s (UUID or reference).' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  incident?: string;

  @ApiPropertyOptional({ enum: ANNOUNCEMENT_STATUSES })
  @IsOptional()
  @IsIn(ANNOUNCEMENT_STATUSES)
  status?: AnnouncementStatus;

}
