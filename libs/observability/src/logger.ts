import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { redactText, redactValue } from './redaction.js';

export function createPinoLogger(service: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      base: { service },
      level: process.env.LOG_LEVEL ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination(1),
  );
}

/** Nest's logger interface over pino: structured JSON lines, contact data scrubbed from every field. */
export class StructuredLogger implements LoggerService {
  constructor(private readonly pinoLogger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    // Nest passes the context (class name) as the last string argument.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (rest.length > 0) fields.details = redactValue(rest);
    if (typeof message === 'string') this.pinoLogger[level](fields, redactText(message));
    else this.pinoLogger[level]({ ...fields, data: redactValue(message) });
  }
}
