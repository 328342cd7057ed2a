/** The only source of "now" outside tests' control. Injected so that time-dependent code is testable. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
