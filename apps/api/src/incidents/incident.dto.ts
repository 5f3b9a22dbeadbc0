import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, MaxLength, Min, ValidateIf } from 'class-validator';
import { INCIDENT_STATUSES, type IncidentStatus } from '#domain';
import { IsTimestamp } from '../common/validators.js';
import { CursorPageQuery } from '../common/cursor-page.query.js';

export const SEVERITY_BANDS = ['low', 'medium', 'high', 'very_high'] as const;

export class CreateIncidentDto {
  @ApiProperty({ example: 'Customer database exposed through a misconfigured bucket' })
  @IsString()
  @Length(1, 300)
  title!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @IsTimestamp({ description: 'When the organisation became aware: starts every legal clock.' })
  awareAt!: string;

  @IsTimestamp({ optional: true, nullable: true })
  detectedAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  occurredFrom?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  occurredTo?: string | null;
}

// May be left out, but not set to null: these fields always have a value.
const Present = () => ValidateIf((_o, v) => v !== undefined);

export class UpdateIncidentDto {
  @ApiProperty({ description: 'The version you read; a stale one gets 409 and nothing is written.' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional()
  @Present()
  @IsString()
  @Length(1, 300)
  title?: string;

  @ApiPropertyOptional()
  @Present()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @IsTimestamp({ optional: true })
  awareAt?: string;

  @IsTimestamp({ optional: true, nullable: true })
  detectedAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  occurredFrom?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  occurredTo?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  containedAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  resolvedAt?: string | null;
}

export class TransitionDto {
  @ApiProperty({ enum: INCIDENT_STATUSES })
  @IsIn(INCIDENT_STATUSES)
  to!: IncidentStatus;

  @ApiProperty()
  @IsInt()
  @Min(1)
  version!: number;
}

export class ListIncidentsQuery extends CursorPageQuery(200, 50) {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ enum: SEVERITY_BANDS })
  @IsOptional()
  @IsIn(SEVERITY_BANDS)
  severity?: (typeof SEVERITY_BANDS)[number];

  @ApiPropertyOptional({ description: 'Text searched in the reference, title and description.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

}
