/**
 * The time the legal clocks are read against. Injected (token `CLOCK`) so tests can run the scheduler on a
 * clock they advance; the default reads the system time.
 */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
