import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsTimestamp } from '../common/validators.js';
import { CursorPageQuery } from '../common/cursor-page.query.js';

export const REMEDIATION_KINDS = ['containment', 'eradication', 'recovery', 'support', 'prevention'] as const;
export type RemediationKind = (typeof REMEDIATION_KINDS)[number];
export const REMEDIATION_STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;
export type RemediationStatus = (typeof REMEDIATION_STATUSES)[number];

/** May be left out, but not set to null (the column cannot be empty). `@IsOptional` would let null through. */
const Omittable = () => ValidateIf((_o, v) => v !== undefined);

export class CreateRemediationActionDto {
  @ApiProperty({ enum: REMEDIATION_KINDS, description: 'support = help offered to affected people, e.g. credit monitoring.' })
  @IsIn(REMEDIATION_KINDS)
  kind!: RemediationKind;

  @ApiProperty({ example: 'Rotate every credential stored in the exposed bucket' })
  @IsString()
  @Length(1, 300)
  title!: string;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ enum: REMEDIATION_STATUSES, default: 'planned' })
  @Omittable()
  @IsIn(REMEDIATION_STATUSES)
  status?: RemediationStatus;

  @ApiPropertyOptional({ description: 'A person or a team.', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  owner?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  dueAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true, description: 'Only with status done; moving to done without it stamps the current time.' })
  doneAt?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Notices must mention this measure ("measures taken" / "remedial measures").' })
  @Omittable()
  @IsBoolean()
  includeInNotice?: boolean;

  @ApiPropertyOptional({ nullable: true, description: 'The sentence the notice will use; required when includeInNotice is true.' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  publicWording?: string | null;
}

export class UpdateRemediationActionDto {
  @ApiProperty({ description: 'The version you read; a stale one gets 409 and nothing is written.' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ enum: REMEDIATION_KINDS })
  @Omittable()
  @IsIn(REMEDIATION_KINDS)
  kind?: RemediationKind;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @Length(1, 300)
  title?: string;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ enum: REMEDIATION_STATUSES, description: 'No delete: cancel an action instead.' })
  @Omittable()
  @IsIn(REMEDIATION_STATUSES)
  status?: RemediationStatus;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  owner?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  dueAt?: string | null;

  @IsTimestamp({ optional: true, nullable: true })
  doneAt?: string | null;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  includeInNotice?: boolean;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  publicWording?: string | null;
}

export class ListRemediationActionsQuery extends CursorPageQuery(500, 100) {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only the measures notices must mention.' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeInNotice?: 'true' | 'false';

  @ApiPropertyOptional({ enum: REMEDIATION_STATUSES })
  @IsOptional()
  @IsIn(REMEDIATION_STATUSES)
  status?: RemediationStatus;

}
