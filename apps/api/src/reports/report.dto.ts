import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength, registerDecorator } from 'class-validator';
import { REPORT_KINDS, REPORT_STATUSES } from '#domain';
import { SUBMISSION_METHODS, type SubmissionMethod } from '../obligations/obligation.dto.js';
import { IsTimestamp } from '../common/validators.js';
import { CursorPageQuery } from '../common/cursor-page.query.js';

export const PERIODIC_KINDS = ['hipaa_annual_log', 'pecr_monthly_log'] as const;

export class CreateReportDto {
  @ApiProperty({ example: 'gdpr_sa:initial', description: 'The obligation key (notification:phase[:jurisdiction]) of a regulator obligation of this incident.' })
  @IsString()
  @Length(3, 140)
  obligation!: string;

  @ApiPropertyOptional({ description: 'Start a further report of a repeatable phase (e.g. a GDPR follow-up) after a released one.' })
  @IsOptional()
  @IsBoolean()
  again?: boolean;
}

export class CreatePeriodicReportDto {
  @ApiProperty({ enum: PERIODIC_KINDS })
  @IsIn(PERIODIC_KINDS)
  kind!: (typeof PERIODIC_KINDS)[number];

  @ApiProperty({ example: '2026', description: 'A year (hipaa_annual_log) or a month YYYY-MM (pecr_monthly_log).' })
  @IsString()
  @Matches(/^\d{4}(-(0[1-9]|1[0-2]))?$/, { message: 'must be a year (2026) or a month (2026-10)' })
  period!: string;
}

/** Field values: an object of field id → text (null removes a value); ids and texts are bounded. */
function IsFieldValues(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isFieldValues',
      target: object.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length <= 200
          && Object.entries(v).every(([k, x]) => /^([A-Z]+-\d{4}-\d{4,}\.)?[a-z0-9_]{1,80}$/.test(k) && (x === null || (typeof x === 'string' && x.length <= 20000))),
        defaultMessage: () => 'must map field ids (like dpo_contact, or INC-2026-0001.discovery_date in a log) to text of at most 20000 characters, or null',
      },
    });
}

export class SetFieldsDto {
  @ApiProperty({ example: { dpo_contact: 'Jane Doe, dpo@example.org', reasons_for_delay: null } })
  @IsObject()
  @IsFieldValues()
  values!: Record<string, string | null>;
}

export class ReleaseReportDto {
  @ApiProperty({ description: 'The contentHash you reviewed: release fails if the content changed since.' })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be the report\'s contentHash (64 lower-case hex digits)' })
  contentHash!: string;

  @ApiPropertyOptional({ description: 'Release even though required fields are missing (e.g. a first, phased notification).' })
  @IsOptional()
  @IsBoolean()
  acceptMissing?: boolean;
}

export class SubmitReportDto {
  @IsTimestamp({ description: 'When the report was sent or filed.' })
  submittedAt!: string;

  @ApiProperty({ enum: SUBMISSION_METHODS })
  @IsIn(SUBMISSION_METHODS)
  method!: SubmissionMethod;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;
}

export class ListReportsQuery extends CursorPageQuery(200, 50) {
  @ApiPropertyOptional({ enum: REPORT_KINDS })
  @IsOptional()
  @IsIn(REPORT_KINDS)
  kind?: string;

  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @IsOptional()
  @IsIn(REPORT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ example: 'EU_GDPR' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z0-9_]{2,30}$/, { message: 'must be a regime id such as EU_GDPR' })
  regime?: string;

}
