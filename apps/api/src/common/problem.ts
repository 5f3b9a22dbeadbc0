import { HttpException } from '@nestjs/common';

export interface FieldError {
  /** Where the problem is: a body path (`jurisdictions[1]`), a query or path parameter, or a line of an upload. */
  field: string;
  reason: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(slug: string): string {
  return `urn:tocsin:problem:${slug}`;
}

/** An RFC 9457 problem. Services throw these; the filter writes them. */
export class Problem extends HttpException {
  constructor(
    status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title, status);
  }

  static validation(errors: FieldError[]): Problem {
    const detail = errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
    return new Problem(400, 'validation', 'The request is not valid', detail, errors);
  }

  static notFound(what: string, id: string): Problem {
    return new Problem(404, 'not-found', `${what} not found`, `No ${what.toLowerCase()} with id ${id}`);
  }

  static conflict(slug: string, title: string, detail: string, extensions: Record<string, unknown> = {}): Problem {
    return new Problem(409, slug, title, detail, undefined, extensions);
  }

  body(instance: string): ProblemBody {
    return {
      type: problemType(this.slug),
      title: this.title,
      status: this.getStatus(),
      ...(this.detail ? { detail: this.detail } : {}),
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}
