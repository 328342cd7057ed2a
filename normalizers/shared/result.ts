/** Helpers every channel's mapping uses to build a NormalizeResult. */
import type { z } from 'zod'
import type { NormalizeResult, Observation } from '../types.js'
import { InvalidPayloadError } from './invalid.js'

/** Where in a payload, e.g. `['orderLines', 0, 'charges']`. */
export type Path = readonly (string | number)[]

/** Channels send "" for unset text as often as they leave the field out; the contract says null. */
export function text(value: string | null | undefined): string | null {
  return value && value.trim() !== '' ? value : null
}

/** Runs `compute`, locating an InvalidPayloadError it throws under `path`. */
export function located<T>(path: Path, compute: () => T): T {
  try {
    return compute()
  } catch (err) {
    throw err instanceof InvalidPayloadError ? err.at(...path) : err
  }
}

/** One issue per bad path, located under `prefix` (e.g. the hydration key of a fetched record). */
export function invalid(issues: readonly z.core.$ZodIssue[], prefix: Path = []): NormalizeResult {
  return {
    kind: 'invalid',
    issues: issues.map((issue) => {
      const path = [...prefix, ...issue.path.map(String)]
      return `${path.length > 0 ? path.join('.') : '(body)'}: ${issue.message}`
    }),
  }
}

export function done(observations: readonly Observation[]): NormalizeResult {
  return { kind: 'observations', observations }
}
