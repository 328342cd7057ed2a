/** The only source of "now" outside tests' control. Injected so that time-dependent code is testable. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(at: Date | string): Clock {
  const time = new Date(at)
  return { now: () => new Date(time) }
}
