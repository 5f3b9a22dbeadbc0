import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PRINT_BATCH_MAX_LETTERS_LIMIT } from '#records';
import { IsTimestamp } from '../common/validators.js';

export const PRINT_BATCH_STATUSES = ['open', 'ready', 'mailed'] as const;

export class GatherPrintBatchesDto {
  @ApiPropertyOptional({ description: 'Most letters per batch; at most the configured cap (PRINT_BATCH_MAX_LETTERS, default 5000).', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PRINT_BATCH_MAX_LETTERS_LIMIT)
  maxLetters?: number;
}

export class MarkMailedDto {
  @IsTimestamp({ optional: true, description: 'When the letters were handed to the post; default now. Not in the future.' })
  mailedAt?: string;
}

export class ListPrintBatchesQuery {
  @ApiPropertyOptional({ enum: PRINT_BATCH_STATUSES })
  @IsOptional()
  @IsIn(PRINT_BATCH_STATUSES)
  status?: (typeof PRINT_BATCH_STATUSES)[number];

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
