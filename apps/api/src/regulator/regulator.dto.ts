import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

/** A regulator token is issued for one report (and its corrections), or for a regulator: a regime, optionally one notification. */
export class CreateRegulatorTokenDto {
  @ApiProperty({ example: 'California AG, breach unit' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'The report this token may read (and later corrections of it).' })
  @IsOptional()
  @IsUUID()
  reportId?: string;

  @ApiPropertyOptional({ example: 'US_CA', description: 'A regime id: the token reads every released report of it.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z0-9_]{2,30}$/, { message: 'must be a regime id such as EU_GDPR' })
  regime?: string;

  @ApiPropertyOptional({ example: 'ca_ag', description: 'With regime: only this notification’s reports.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_]{2,60}$/, { message: 'must be a notification id such as ca_ag' })
  notification?: string;
}
