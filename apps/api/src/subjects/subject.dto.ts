import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { CHANNEL_FILTERS, type ChannelFilter } from '#domain';

export class ImportSubjectsQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Validate and report without writing anything.' })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export class ListSubjectsQuery {
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country code', example: 'DE' })
  @IsOptional()
  @IsString()
  @Length(2, 2)
  country?: string;

  @ApiPropertyOptional({ enum: CHANNEL_FILTERS, description: 'Subjects reachable on this channel (a minor through the guardian); none: on no channel.' })
  @IsOptional()
  @IsIn(CHANNEL_FILTERS)
  channel?: ChannelFilter;
}

export class ListImportsQuery {
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
  @MaxLength(300)
  cursor?: string;
}

export class ListRejectionsQuery {
  @ApiPropertyOptional({ description: 'The `nextAfter` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  after?: string;

  @ApiPropertyOptional({ default: 1000, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}
