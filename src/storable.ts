/**
 * What PostgreSQL cannot store, checked before it is asked to. U+0000 is valid JSON and UTF-8, but
 * `text` and `jsonb` refuse it (https://www.postgresql.org/docs/current/datatype-character.html:
 * "the character with code zero … cannot be stored"; jsonb: "\u0000 is disallowed",
 * https://www.postgresql.org/docs/current/datatype-json.html). Integers beyond a column's type and
 * times before year 1 are refused too. Asking anyway fails a whole statement — every webhook of an
 * intake batch, every message of a normalize batch — as if the database were down. A leaf module
 * (zod only): the HTTP edge, the intake and the normalize step share it.
 */
import { z } from 'zod'

export const UNSTORABLE_TEXT =
  'must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate, which PostgreSQL cannot store'

/** PostgreSQL `integer` (https://www.postgresql.org/docs/current/datatype-numeric.html). */
export const PG_INTEGER = { min: -2_147_483_648, max: 2_147_483_647 } as const
/** PostgreSQL `bigint`, the type of every identity column. */
const PG_BIGINT_MAX = 9_223_372_036_854_775_807n

/**
 * U+0000, or half of a surrogate pair without its other half (`"\ud800"` is valid JSON, but
 * jsonb refuses it, https://www.postgresql.org/docs/current/datatype-json.html, and as text it
 * would be stored as U+FFFD, not as received). Without the `u` flag the pattern sees code units.
 */
const UNSTORABLE_CHAR =
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const UNSTORABLE_CHARS = new RegExp(UNSTORABLE_CHAR.source, 'g')

export const hasUnstorableChar = (text: string): boolean => UNSTORABLE_CHAR.test(text)

/**
 * The path of the first string (or object key) holding U+0000 or an unpaired surrogate in a JSON-like value, as zod
 * would name it; undefined when there is none.
 */
export function unstorableTextPath(value: unknown): (string | number)[] | undefined {
  if (typeof value === 'string') return hasUnstorableChar(value) ? [] : undefined
  if (typeof value !== 'object' || value === null) return undefined
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value)
  for (const [key, child] of entries) {
    if (typeof key === 'string' && hasUnstorableChar(key)) return [key]
    const below = unstorableTextPath(child)
    if (below) return [key, ...below]
  }
  return undefined
}

/** `a.b[0].c`, the way `formatIssues` names a field. */
export function pathText(prefix: string, path: readonly (string | number)[]): string {
  return (
    prefix + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${visibleText(p)}`)).join('')
  )
}

/**
 * Text for a log line, a status column or an answer: U+0000 shown as U+2400 (␀), its symbol, and
 * an unpaired surrogate as U+FFFD (the replacement character).
 */
export function visibleText(text: string): string {
  return text.replace(UNSTORABLE_CHARS, (c) => (c === '\u0000' ? '\u2400' : '\ufffd'))
}

/** JSON for a `jsonb` column holding free text (reasons, issues): such characters made visible, not fatal. */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? visibleText(v) : v))
}

/** A string PostgreSQL can store: the building block of every text input at the edge. */
export const PgText = z.string().refine((s) => !hasUnstorableChar(s), UNSTORABLE_TEXT)

/** A whole number that fits a PostgreSQL `integer` column (quantities, deltas). */
export const PgInteger = z.number().int().min(PG_INTEGER.min).max(PG_INTEGER.max)

/**
 * A page cursor naming a `bigint` id: decimal digits within the type, so an over-long one is a
 * 400 rather than a database error.
 */
export function bigintCursor(message: string) {
  // One check: zod runs a refinement even after a failed regex, and BigInt('12a') throws.
  return z.string().refine((s) => /^\d{1,19}$/.test(s) && BigInt(s) <= PG_BIGINT_MAX, message)
}

/**
 * True for a time PostgreSQL's `timestamptz` takes as the hub writes it: years 1 to 9999 (it has
 * no year 0, and JavaScript writes years beyond 9999 in a form it does not read).
 */
export function storableTime(date: Date): boolean {
  const year = date.getUTCFullYear()
  return Number.isFinite(date.getTime()) && year >= 1 && year <= 9999
}

/**
 * PostgreSQL's codes for a value it cannot store (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * untranslatable character (22P05, a NUL in jsonb), invalid byte sequence (22021, a NUL in text),
 * numeric value out of range (22003), datetime field overflow (22008), and program limit exceeded
 * (54000, e.g. an index row too large). Retrying the same value can never succeed.
 */
const UNSTORABLE_VALUE_CODES = new Set(['22P05', '22021', '22003', '22008', '54000'])

export function isUnstorableValueError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && UNSTORABLE_VALUE_CODES.has(code)
}
