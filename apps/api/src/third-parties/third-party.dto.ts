import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, MaxLength, Min, registerDecorator, ValidateIf } from 'class-validator';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { DATA_CATEGORIES, isDataCategory, type DataCategory } from '#domain';
import { IsTimestamp } from '../common/validators.js';
import { CursorPageQuery } from '../common/cursor-page.query.js';

export const THIRD_PARTY_ROLES = ['processor', 'sub_processor', 'controller', 'joint_controller', 'partner', 'other'] as const;
export type ThirdPartyRole = (typeof THIRD_PARTY_ROLES)[number];

const E164 = /^\+[1-9]\d{1,14}$/;

/** A phone number in E.164 form (`+4915112345678`: plus, country code, number, nothing else) that exists in the numbering plan. */
export function isE164Phone(value: unknown): boolean {
  return typeof value === 'string' && E164.test(value) && isValidPhoneNumber(value);
}

function IsE164Phone(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isE164Phone',
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be a valid phone number in E.164 form, e.g. +4915112345678' },
      validator: { validate: isE164Phone },
    });
}

/** Every entry a data category of the shared vocabulary, none twice. The message names the offending entry, never other data. */
function IsDataCategories(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isDataCategories',
      target: object.constructor,
      propertyName: String(propertyName),
      validator: {
        // Not a list at all is @IsArray's to report. No repeats also bounds the length by the vocabulary's.
        validate: (value: unknown) => !Array.isArray(value) || (value.every((v) => typeof v === 'string' && isDataCategory(v)) && new Set(value).size === value.length),
        defaultMessage: (args) => {
          const value = args?.value as unknown[];
          const bad = value.findIndex((v) => typeof v !== 'string' || !isDataCategory(v));
          if (bad >= 0) return `entry ${bad} is not a data category; allowed: ${DATA_CATEGORIES.join(', ')}`;
          return 'must not list a category twice';
        },
      },
    });
}

/** May be left out, but not set to null (the column cannot be empty). `@IsOptional` would let null through. */
const Omittable = () => ValidateIf((_o, v) => v !== undefined);

export class CreateThirdPartyDto {
  @ApiProperty({ example: 'Acme Mail Ltd' })
  @IsString()
  @Length(1, 300)
  name!: string;

  @ApiProperty({ enum: THIRD_PARTY_ROLES })
  @IsIn(THIRD_PARTY_ROLES)
  role!: ThirdPartyRole;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contactName?: string | null;

  @ApiPropertyOptional({ nullable: true, format: 'email' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  @IsEmail()
  contactEmail?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+4915112345678', description: 'E.164' })
  @IsOptional()
  @IsString()
  @IsE164Phone()
  contactPhone?: string | null;

  @ApiPropertyOptional({ enum: DATA_CATEGORIES, isArray: true, description: 'The categories of personal data this party received.' })
  @Omittable()
  @IsArray()
  @IsDataCategories()
  dataCategories?: DataCategory[];

  @IsTimestamp({ optional: true, nullable: true, description: 'When they were told; not in the future.' })
  notifiedAt?: string | null;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MaxLength(20000)
  notes?: string;
}

export class UpdateThirdPartyDto {
  @ApiProperty({ description: 'The version you read; a stale one gets 409 and nothing is written.' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @Length(1, 300)
  name?: string;

  @ApiPropertyOptional({ enum: THIRD_PARTY_ROLES })
  @Omittable()
  @IsIn(THIRD_PARTY_ROLES)
  role?: ThirdPartyRole;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contactName?: string | null;

  @ApiPropertyOptional({ nullable: true, format: 'email' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  @IsEmail()
  contactEmail?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '+4915112345678', description: 'E.164' })
  @IsOptional()
  @IsString()
  @IsE164Phone()
  contactPhone?: string | null;

  @ApiPropertyOptional({ enum: DATA_CATEGORIES, isArray: true, description: 'Replaces the whole list.' })
  @Omittable()
  @IsArray()
  @IsDataCategories()
  dataCategories?: DataCategory[];

  @IsTimestamp({ optional: true, nullable: true, description: 'To correct the record; `POST …/notified` is the usual way to set it.' })
  notifiedAt?: string | null;

  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MaxLength(20000)
  notes?: string;
}

export class MarkNotifiedDto {
  @ApiProperty({ description: 'The version you read; a stale one gets 409 and nothing is written.' })
  @IsInt()
  @Min(1)
  version!: number;

  @IsTimestamp({ optional: true, description: 'When they were told; defaults to now, not in the future.' })
  notifiedAt?: string;
}

export class ListThirdPartiesQuery extends CursorPageQuery(500, 100) {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'false: those who still have to be told.' })
  @IsOptional()
  @IsIn(['true', 'false'])
  notified?: 'true' | 'false';

  @ApiPropertyOptional({ enum: THIRD_PARTY_ROLES })
  @IsOptional()
  @IsIn(THIRD_PARTY_ROLES)
  role?: ThirdPartyRole;

}
