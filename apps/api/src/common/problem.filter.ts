import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Problem, PROBLEM_CONTENT_TYPE, problemType, type ProblemBody } from './problem.js';

const STATUS_SLUGS: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Not allowed for this role'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  429: ['too-many-requests', 'Too many requests'],
};

// PostgreSQL errors that mean the request itself was wrong, not the server.
const PG_CLIENT_ERRORS: Record<string, [number, string]> = {
  '22P02': [400, 'a value has the wrong format'],
  '22007': [400, 'a date or time is not valid'],
  '22008': [400, 'a date or time is out of range'],
  '22003': [400, 'a number is out of range'],
  '23502': [400, 'a required value is missing'],
  '23505': [409, 'it would duplicate an existing record'],
  '23503': [409, 'it refers to a record that does not exist'],
  '23514': [400, 'it breaks a rule of the record'],
};

/** Every error leaves as RFC 9457 problem+json; unexpected ones are logged without request data. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const body = this.toProblem(exception, req.originalUrl ?? req.url);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(exception: unknown, instance: string): ProblemBody {
    if (exception instanceof Problem) return exception.body(instance);
    // Nest wraps body-parser's errors in an HttpException whose cause is the original.
    const bodyParserError = ((exception as { cause?: unknown })?.cause ?? exception) as { type?: string; message?: string; limit?: number };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return { type: problemType('malformed-json'), title: 'The body is not valid JSON', status: 400, detail: 'body: cannot be parsed as JSON', instance, errors: [{ field: 'body', reason: 'is not valid JSON' }] };
    }
    if (bodyParserError?.type === 'entity.too.large') {
      return { type: problemType('payload-too-large'), title: 'Request body too large', status: 413, detail: `body: larger than the limit of ${bodyParserError.limit} bytes`, instance, errors: [{ field: 'body', reason: `exceeds ${bodyParserError.limit} bytes` }] };
    }
    if ((typeof bodyParserError?.type === 'string' && bodyParserError.type.startsWith('encoding.')) || bodyParserError?.type === 'charset.unsupported') {
      return { type: problemType('unsupported-encoding'), title: 'Unsupported body encoding', status: 415, detail: bodyParserError.message, instance };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const [slug, title] = STATUS_SLUGS[status] ?? ['error', 'Error'];
      const response = exception.getResponse();
      const message = typeof response === 'object' && response && 'message' in response ? (response as { message: unknown }).message : exception.message;
      return { type: problemType(slug), title, status, detail: Array.isArray(message) ? message.join('; ') : String(message), instance };
    }
    const pgCode = (exception as { code?: unknown })?.code ?? (exception as { driverError?: { code?: unknown } })?.driverError?.code;
    if (typeof pgCode === 'string' && PG_CLIENT_ERRORS[pgCode]) {
      const [status, reason] = PG_CLIENT_ERRORS[pgCode];
      const column = (exception as { column?: string; constraint?: string }).column ?? (exception as { constraint?: string }).constraint;
      return { type: problemType(status === 409 ? 'conflict' : 'bad-request'), title: 'The request cannot be stored', status, detail: `The request was refused because ${reason}`, instance, ...(column ? { errors: [{ field: column, reason }] } : {}) };
    }
    this.logger.error(exception instanceof Error ? `${exception.name}: ${exception.message}\n${exception.stack}` : 'non-error thrown');
    return { type: problemType('internal'), title: 'Internal error', status: 500, detail: 'The server failed; nothing was changed by this request.', instance };
  }
}
