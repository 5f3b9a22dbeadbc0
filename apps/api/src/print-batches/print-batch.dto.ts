import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PRINT_BATCH_MAX_LETTERS_LIMIT } from '#records';
import { IsTimestamp } from '../common/validators.js';
import { CursorPageQuery } from '../common/cursor-page.query.js';

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

export class ListPrintBatchesQuery extends CursorPageQuery(200, 50) {
  @ApiPropertyOptional({ enum: PRINT_BATCH_STATUSES })
  @IsOptional()
  @IsIn(PRINT_BATCH_STATUSES)
  status?: (typeof PRINT_BATCH_STATUSES)[number];

}
