import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator, ValidateIf } from 'class-validator';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi] = m.map(Number) as number[];
  const lastDay = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= lastDay && h! <= 23 && mi! <= 59 && !Number.isNaN(Date.parse(value));
}

function TimestampFormat(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTimestamp',
      target: object.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T09:30:00Z' },
      validator: { validate: isTimestamp },
    });
}

/**
 * An ISO 8601 date-time with a time zone (`2026-11-24T09:30:00Z`): a bare date is ambiguous for a legal clock.
 * `optional`: may be left out; `nullable`: may be set to null to clear it.
 */
export function IsTimestamp(options: { optional?: boolean; nullable?: boolean; description?: string } = {}) {
  const doc = { type: String, format: 'date-time', description: options.description, nullable: options.nullable };
  const skip = (v: unknown) => (options.optional && v === undefined) || (options.nullable && v === null);
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    ValidateIf((_o, v) => !skip(v)),
    TimestampFormat(),
  );
}

export function toDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined ? undefined : value === null ? null : new Date(value);
}
