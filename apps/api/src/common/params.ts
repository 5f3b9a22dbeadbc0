import { ParseUUIDPipe } from '@nestjs/common';
import { Problem } from './problem.js';

/** A UUID path parameter; anything else is a 400 that names the parameter. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => Problem.validation([{ field: name, reason: 'must be a UUID' }]) });
}
