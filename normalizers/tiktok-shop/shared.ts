/** Small helpers shared by the TikTok Shop mappings. */
import type { z } from 'zod'
import { InvalidPayloadError } from '../shared/invalid.js'
import { toMinorUnits } from '../shared/money.js'
import type { NormalizeResult, Observation } from '../types.js'

export type Path = readonly (string | number)[]

/** TikTok times are Unix seconds; the contract wants ISO 8601 (UTC here). */
export function isoFromUnix(seconds: number): string {
  return new Date(seconds * 1000).toISOString()
}

/** TikTok sends "" for unset text as often as it leaves the field out; the contract says null. */
export function text(value: string | null | undefined): string | null {
  return value && value.trim() !== '' ? value : null
}

/** A decimal string in minor units; a bad amount is reported at `path`. */
export function minor(value: string, currency: string, path: Path): number {
  return located(path, () => toMinorUnits(value, currency))
}

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
