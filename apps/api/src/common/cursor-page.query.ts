import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `limit` and `cursor` of a keyset-paginated list; each list picks its own page sizes. */
export function CursorPageQuery(maxLimit: number, defaultLimit: number) {
  class CursorPage {
    @ApiPropertyOptional({ default: defaultLimit, maximum: maxLimit })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(maxLimit)
    limit?: number;

    @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
    @IsOptional()
    @IsString()
    @MaxLength(500)
    cursor?: string;
  }
  return CursorPage;
}
