import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { CAMPAIGN_STATUSES, type CampaignStatus, NOTICE_CHANNELS, SUBSTITUTE_MODES } from '#domain';
import { CursorPageQuery } from '../common/cursor-page.query.js';

/*
 * The campaign fields are checked as a whole by `validateCampaignDraft` (#domain), so that one 400 names
 * every problem at once: each missing notice element in each language, a bad channel, a bad audience.
 * Here they are only declared (and required where they must be present).
 */

const AUDIENCE_DOC = {
  description: '{"kind":"all"} or {"kind":"filter","jurisdictions":["DE","US-CA"],"dataCategories":["financial"]} (a subject matches a jurisdiction by country or region, and a category list when it shares one category).',
  example: { kind: 'all' },
};
const CHAIN_DOC = { description: 'The channels to try, in order; no repeats.', enum: NOTICE_CHANNELS, isArray: true, example: ['email', 'sms', 'letter'] };
const LANGUAGE_DOC = { description: 'BCP 47; content must have it. Subjects whose language the campaign lacks read this one.', example: 'en' };
const CONTENT_DOC = {
  description: 'Per language: {subject, whatHappened, possibleImpact?, measuresTaken, selfProtection, remedialMeasures, contactPoint, sms?, push?: {title, body}}. '
    + 'Plain text; placeholders {{name}}, {{noticeUrl}}, {{incidentRef}}, {{contactPoint}}. On PATCH it replaces the whole map.',
  example: { en: { subject: 'A security incident affecting your data ({{incidentRef}})', whatHappened: '…', measuresTaken: '…', selfProtection: '…', remedialMeasures: '…', contactPoint: 'dpo@example.org' } },
};
const POLICY_DOC = {
  description: `When individual notice fails for too many: {unreachableCount?, unreachableShare? (0–1), mode: ${SUBSTITUTE_MODES.join('|')}, durationDays}. null: no substitute notice.`,
  nullable: true,
  example: { unreachableShare: 0.1, mode: 'draft_for_approval', durationDays: 90 },
};

export class CreateCampaignDto {
  @ApiProperty({ example: 'Customers: first notice' })
  @IsDefined()
  name!: unknown;

  @ApiProperty(AUDIENCE_DOC)
  @IsDefined()
  audience!: unknown;

  @ApiProperty(CHAIN_DOC)
  @IsDefined()
  channelChain!: unknown;

  @ApiProperty(LANGUAGE_DOC)
  @IsDefined()
  defaultLanguage!: unknown;

  @ApiProperty(CONTENT_DOC)
  @IsDefined()
  content!: unknown;

  @ApiPropertyOptional(POLICY_DOC)
  @IsOptional()
  substitutePolicy?: unknown;

  @ApiPropertyOptional({ default: false, description: 'Add the remediation actions flagged includeInNotice as bullets (support → remedialMeasures, others → measuresTaken).' })
  @IsOptional()
  @IsBoolean()
  includeRemediation?: boolean;
}

export class UpdateCampaignDto {
  @ApiProperty({ description: 'The version you read; a stale one gets 409 and nothing is written.' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional()
  @IsOptional()
  name?: unknown;

  @ApiPropertyOptional(AUDIENCE_DOC)
  @IsOptional()
  audience?: unknown;

  @ApiPropertyOptional(CHAIN_DOC)
  @IsOptional()
  channelChain?: unknown;

  @ApiPropertyOptional(LANGUAGE_DOC)
  @IsOptional()
  defaultLanguage?: unknown;

  @ApiPropertyOptional(CONTENT_DOC)
  @IsOptional()
  content?: unknown;

  @ApiPropertyOptional(POLICY_DOC)
  @IsOptional()
  substitutePolicy?: unknown;

  @ApiPropertyOptional({ description: 'true also refreshes the snapshot of flagged remediation actions.' })
  @IsOptional()
  @IsBoolean()
  includeRemediation?: boolean;
}

export class ApproveCampaignDto {
  @ApiProperty({ description: 'The version you reviewed.' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiProperty({ description: 'The contentHash you reviewed: approval fails if the content changed since.' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be the campaign\'s contentHash (64 lower-case hex digits)' })
  contentHash!: string;
}

export class CancelCampaignDto {
  @ApiPropertyOptional({ description: 'When given, a stale version gets 409.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export const PREVIEW_CHANNELS = ['email', 'sms', 'push', 'letter', 'page'] as const;
export type PreviewChannel = (typeof PREVIEW_CHANNELS)[number];

export class PreviewQuery {
  @ApiProperty({ enum: PREVIEW_CHANNELS, description: 'letter returns application/pdf; the others JSON.' })
  @IsIn(PREVIEW_CHANNELS)
  channel!: PreviewChannel;

  @ApiPropertyOptional({ description: 'An affected subject of the incident (its id); without it, a synthetic sample. Not for viewers.' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,15}$/, { message: 'must be the id of an affected subject (a positive whole number)' })
  subject?: string;

  @ApiPropertyOptional({ description: 'Render in this campaign language instead of the one the subject would get.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  language?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Synthetic sample only: a minor, addressed to the guardian.' })
  @IsOptional()
  @IsIn(['true', 'false'])
  minor?: 'true' | 'false';
}

export class ListCampaignsQuery extends CursorPageQuery(200, 50) {
  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

}
