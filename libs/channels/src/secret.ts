import { inspect } from 'node:util';

/**
 * A credential that cannot leak by accident: JSON.stringify, String(), template literals and
 * util.inspect (so console.log and pino) all print "[secret]". Only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}

export function reveal(value: string | Secret): string {
  return value instanceof Secret ? value.reveal() : value;
}
