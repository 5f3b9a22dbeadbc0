import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, Max, Min, ValidateIf } from 'class-validator';
import { CN_GRADES, type CnGrade } from '#domain';
import { IsTimestamp } from '../common/validators.js';

/** May be left out (null) or set to null. */
const Nullable = () => ValidateIf((_o, v) => v !== undefined && v !== null);

/** The moments and findings that start or shape an incident's legal clocks. A PUT replaces them all; left out = not recorded. */
export class PutClockFactsDto {
  @ApiProperty({ description: 'The version you read (0 before the facts were first saved); a stale one gets 409.' })
  @IsInt()
  @Min(0)
  version!: number;

  @IsTimestamp({ optional: true, nullable: true, description: 'Discovery (HIPAA, California, New York, CAC); awareness stands in when absent.' })
  discoveredAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true, description: 'Texas: the determination that the breach occurred.' })
  breachDeterminedAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true, description: 'DORA: the incident was classified as major.' })
  classifiedMajorAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true, description: 'SEC: the incident was determined to be material.' })
  materialityDeterminedAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true, description: 'SEC: information missing from the 8-K was determined or became available.' })
  infoDeterminedAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true, description: 'The end of incident handling (CAC final report, NIS2 final report of a long incident).' })
  handledAt?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'NIS2: whether the incident is significant; unknown counts as significant.' })
  @Nullable()
  @IsBoolean()
  nis2Significant?: boolean | null;

  @ApiPropertyOptional({ enum: CN_GRADES, nullable: true, description: 'CAC: a grade reached on an axis Tocsin does not compute (outages, CII downtime, important data…).' })
  @Nullable()
  @IsIn(CN_GRADES)
  cnGradeOtherAxes?: CnGrade | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, description: 'CAC: direct economic loss in CNY.' })
  @Nullable()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1e17)
  cnLossCny?: number | null;
}

export const CLOCK_FACT_TIMES = ['discoveredAt', 'breachDeterminedAt', 'classifiedMajorAt', 'materialityDeterminedAt', 'infoDeterminedAt', 'handledAt'] as const;
