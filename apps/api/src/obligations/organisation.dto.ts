import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, MaxLength, Min, registerDecorator, ValidateIf } from 'class-validator';
import { DateTime, IANAZone } from 'luxon';
import { type CnOperatorType } from '#domain';

export const CN_OPERATOR_TYPES = ['ciio', 'state_organ', 'other'] as const satisfies readonly CnOperatorType[];
export const NIS2_ENTITIES = ['essential', 'important'] as const;
export const ORGANISATION_ROLES = ['controller', 'processor'] as const;

/** May be left out (the default applies) or set to null (cleared). */
const Nullable = () => ValidateIf((_o, v) => v !== undefined && v !== null);

function IsIanaZone(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIanaZone',
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be an IANA time zone such as Europe/Berlin or America/New_York' },
      validator: { validate: (v: unknown) => typeof v === 'string' && IANAZone.isValidZone(v) },
    });
}

function IsIsoDates(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoDates',
      target: object.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (v: unknown) => !Array.isArray(v) || v.every((d) => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && DateTime.fromISO(d).isValid),
        defaultMessage: (args) => {
          const bad = (args?.value as unknown[]).findIndex((d) => typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d) || !DateTime.fromISO(d).isValid);
          return `entry ${bad} must be an ISO date (YYYY-MM-DD)`;
        },
      },
    });
}

/** The whole profile: a PUT replaces it; a field left out takes its default (false, null, empty). */
export class PutOrganisationDto {
  @ApiProperty({ description: 'The version you read (0 before the profile was first saved); a stale one gets 409.' })
  @IsInt()
  @Min(0)
  version!: number;

  @ApiPropertyOptional({ example: 'Example Health GmbH' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiProperty({ example: 'Europe/Berlin', description: 'Days, business days and months of every legal clock are counted in this zone.' })
  @IsIanaZone()
  timeZone!: string;

  @ApiPropertyOptional({ type: [String], example: ['2026-12-25', '2026-12-26'], description: 'Non-working days (business days, DORA relief).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @ArrayUnique()
  @IsIsoDates()
  holidays?: string[];

  @ApiPropertyOptional({ nullable: true, example: 'trust_services', description: 'trust_services shortens the NIS2 incident notification to 24 h.' })
  @Nullable()
  @IsString()
  @Length(1, 100)
  sector?: string | null;

  @ApiPropertyOptional({ enum: ORGANISATION_ROLES, default: 'controller' })
  @IsOptional()
  @IsIn(ORGANISATION_ROLES)
  role?: (typeof ORGANISATION_ROLES)[number];

  @ApiPropertyOptional({ enum: CN_OPERATOR_TYPES, nullable: true, description: 'Set when the organisation is a network operator in the PRC.' })
  @Nullable()
  @IsIn(CN_OPERATOR_TYPES)
  cnOperatorType?: CnOperatorType | null;

  @ApiPropertyOptional({ description: 'SEC registrant (Form 8-K).' })
  @IsOptional()
  @IsBoolean()
  listedCompany?: boolean;

  @ApiPropertyOptional({ description: 'Provider of public electronic communications services (UK PECR).' })
  @IsOptional()
  @IsBoolean()
  telecomProvider?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  hipaaCoveredEntity?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  hipaaBusinessAssociate?: boolean;

  @ApiPropertyOptional({ enum: NIS2_ENTITIES, nullable: true })
  @Nullable()
  @IsIn(NIS2_ENTITIES)
  nis2Entity?: (typeof NIS2_ENTITIES)[number] | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  doraFinancialEntity?: boolean;

  @ApiPropertyOptional({ description: 'Opt in to DORA’s relief: limits on a weekend or holiday move to 12:00 of the next working day [S].' })
  @IsOptional()
  @IsBoolean()
  doraWeekendRelief?: boolean;

  @ApiPropertyOptional({ nullable: true, description: 'DPO or other contact point, as reports name it.' })
  @Nullable()
  @IsString()
  @Length(1, 2000)
  contactPoint?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Who files reports (ICO form: reporter name).' })
  @Nullable()
  @IsString()
  @Length(1, 300)
  reporterName?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable()
  @IsEmail()
  @MaxLength(254)
  reporterEmail?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable()
  @IsString()
  @Length(3, 40)
  reporterPhone?: string | null;
}
