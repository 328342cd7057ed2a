/**
 * Records the pipeline fetched for a thin webhook (`input.hydrated`, by hydration key). A fetched
 * record is checked with its schema, and one that does not match is `invalid`, one issue per bad
 * path under `hydrated.<key>`.
 */
import type { z } from 'zod'
import { hydrationKey, type HydrationNeed } from '../../connectors/index.js'
import type { NormalizeInput, NormalizeResult } from '../types.js'
import { invalid, type Path } from './result.js'

/** A fetched record, parsed, with its path (`hydrated.<key>`); or the result to answer instead. */
export type Fetched<T> =
  | { readonly ok: true; readonly value: T; readonly at: Path }
  | { readonly ok: false; readonly result: NormalizeResult }

/** The record fetched for `need`, parsed with `schema`. */
export function fetched<T>(
  input: NormalizeInput,
  need: HydrationNeed,
  schema: z.ZodType<T>,
): Fetched<T> {
  const key = hydrationKey(need)
  const at = ['hydrated', key]
  const parsed = schema.safeParse(input.hydrated?.[key])
  return parsed.success
    ? { ok: true, value: parsed.data, at }
    : { ok: false, result: invalid(parsed.error.issues, at) }
}

/** The record fetched for `need`, parsed with `schema`; `hydrate` (asking for it) until fetched. */
export function fetchedOrHydrate<T>(
  input: NormalizeInput,
  need: HydrationNeed,
  schema: z.ZodType<T>,
): Fetched<T> {
  if (input.hydrated?.[hydrationKey(need)] === undefined) {
    return { ok: false, result: { kind: 'hydrate', needs: [need] } }
  }
  return fetched(input, need, schema)
}
