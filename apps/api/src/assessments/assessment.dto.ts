import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import {
  type AccessedCategory,
  AVAILABILITY_LOSS,
  type AvailabilityLoss,
  CONFIDENTIALITY_LOSS,
  type ConfidentialityLoss,
  CONTEXT_FACTORS,
  type ContextFactor,
  DATA_CATEGORIES,
  type DataCategory,
  EASE_OF_IDENTIFICATION,
  type EaseOfIdentification,
  INTEGRITY_LOSS,
  type IntegrityLoss,
  isJurisdiction,
} from '#domain';

const ACCESSED_CATEGORIES = DATA_CATEGORIES.filter((c): c is AccessedCategory => c !== 'credentials');

/** Every entry an ISO 3166 country (`DE`) or subdivision (`US-CA`); the reason names the bad positions, not the values. */
function IsJurisdictionList(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isJurisdictionList',
      target: object.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) => {
          const bad = Array.isArray(args.value) ? args.value.flatMap((v: unknown, i: number) => (typeof v === 'string' && isJurisdiction(v) ? [] : [`[${i}]`])) : [];
          return `must hold only ISO 3166 country or subdivision codes such as DE, US-CA or CN; not one: ${bad.join(', ')}`;
        },
      },
      validator: { validate: (value: unknown) => !Array.isArray(value) || value.every((v) => typeof v === 'string' && isJurisdiction(v)) },
    });
}

/** `credentialsGiveAccessTo` says what leaked credentials open: meaningless unless credentials leaked. */
function OnlyWithCredentials(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'onlyWithCredentials',
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: 'is only meaningful when dataCategories includes credentials' },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const categories = (args.object as { dataCategories?: unknown }).dataCategories;
          return value === undefined || (Array.isArray(categories) && categories.includes('credentials'));
        },
      },
    });
}

/** The facts of an impact assessment, as the ENISA 2013 method and the notification rules need them. */
export class AssessmentInputDto {
  @ApiProperty({ enum: DATA_CATEGORIES, isArray: true, example: ['contact', 'health'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(DATA_CATEGORIES.length)
  @ArrayUnique()
  @IsIn(DATA_CATEGORIES, { each: true })
  dataCategories!: DataCategory[];

  @ApiPropertyOptional({ enum: ACCESSED_CATEGORIES, description: 'What leaked credentials give access to; without it Tocsin assumes behavioural data.' })
  @IsOptional()
  @IsIn(ACCESSED_CATEGORIES)
  @OnlyWithCredentials()
  credentialsGiveAccessTo?: AccessedCategory;

  @ApiProperty({ minimum: 0, example: 12000, description: 'Approximate number of people affected.' })
  @IsInt()
  @Min(0)
  @Max(1e10)
  approxSubjects!: number;

  @ApiProperty({ minimum: 0, example: 30000, description: 'Approximate number of records affected.' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  approxRecords!: number;

  @ApiProperty({ type: [String], example: ['DE', 'US-CA', 'CN'], description: 'ISO 3166-1 alpha-2 countries or ISO 3166-2 subdivisions where affected people live.' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsJurisdictionList()
  jurisdictions!: string[];

  @ApiProperty({ enum: CONFIDENTIALITY_LOSS })
  @IsIn(CONFIDENTIALITY_LOSS)
  confidentiality!: ConfidentialityLoss;

  @ApiProperty({ enum: INTEGRITY_LOSS })
  @IsIn(INTEGRITY_LOSS)
  integrity!: IntegrityLoss;

  @ApiProperty({ enum: AVAILABILITY_LOSS })
  @IsIn(AVAILABILITY_LOSS)
  availability!: AvailabilityLoss;

  @ApiProperty({ description: 'The breach was intentional, to harm the individuals or the controller.' })
  @IsBoolean()
  maliciousIntent!: boolean;

  @ApiProperty({ enum: EASE_OF_IDENTIFICATION })
  @IsIn(EASE_OF_IDENTIFICATION)
  easeOfIdentification!: EaseOfIdentification;

  @ApiProperty({ description: 'State-of-the-art encryption (or equivalent) and the key was not compromised.' })
  @IsBoolean()
  dataUnintelligible!: boolean;

  @ApiProperty({ description: 'Backups can restore data whose availability was lost.' })
  @IsBoolean()
  backupsAvailable!: boolean;

  @ApiProperty({ description: 'Vulnerable people (patients, employees, elderly, …) are among those affected.' })
  @IsBoolean()
  vulnerableSubjects!: boolean;

  @ApiPropertyOptional({ enum: CONTEXT_FACTORS, isArray: true, description: 'ENISA contextual factors: each raises or lowers the data processing context by 1.' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(CONTEXT_FACTORS, { each: true })
  contextAdjustments?: ContextFactor[];

  @ApiProperty({ description: 'The likely consequences for the people affected, in plain words.' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(20000)
  likelyConsequences!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  notes?: string;
}
