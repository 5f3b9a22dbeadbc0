import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { IsTimestamp } from '../common/validators.js';

export const SUBMISSION_METHODS = ['portal', 'email', 'post', 'phone', 'fax', 'api', 'other'] as const;
export type SubmissionMethod = (typeof SUBMISSION_METHODS)[number];

export class RecordSubmissionDto {
  @IsTimestamp({ description: 'When it was sent or filed; starts the clocks that run from this submission.' })
  submittedAt!: string;

  @ApiProperty({ enum: SUBMISSION_METHODS })
  @IsIn(SUBMISSION_METHODS)
  method!: SubmissionMethod;

  @ApiPropertyOptional({ description: 'The reference number the recipient gave (case number, portal receipt).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;

  @ApiPropertyOptional({ description: 'The released report that was submitted, if any.' })
  @IsOptional()
  @IsUUID()
  reportId?: string;
}

export class ListObligationsQuery {
  @ApiPropertyOptional({ description: 'true: include withdrawn rows (no longer derived from the facts).' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeWithdrawn?: 'true' | 'false';
}
