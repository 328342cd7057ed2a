/**
 * Redaction of buyer personal data in a stored body, by the channel's list of personal keys
 * (normalizers/<channel>/personal-data.ts). The body keeps its shape: every key stays, nulls and
 * booleans stay, and each personal string or number becomes {@link REDACTED}. Everything else
 * (order ids, SKUs, quantities, prices, statuses, times) is written back exactly, numbers digit
 * for digit. The values replaced are returned too, so an erasure can look for them elsewhere.
 */
import { isVerbatimNumber, parseJsonVerbatim, stringifyJsonVerbatim } from '../../src/json.js'
import type { PersonalDataFields } from '../types.js'

export const REDACTED = '[redacted]'

export interface RedactedBody {
  readonly body: Buffer
  /** The personal values replaced (strings and numbers as written), without repeats. */
  readonly found: readonly string[]
  /**
   * `whole`: the body is not JSON (or not UTF-8), so personal values cannot be told from the rest:
   * it was replaced by the marker entirely. Such a body was refused when it arrived.
   */
  readonly kind: 'fields' | 'whole'
}

export function redactBody(raw: Uint8Array, fields: PersonalDataFields): RedactedBody {
  let parsed: unknown
  try {
    parsed = parseJsonVerbatim(new TextDecoder('utf-8', { fatal: true }).decode(raw))
  } catch {
    return { body: Buffer.from(REDACTED), found: [], kind: 'whole' }
  }
  const found = new Set<string>()
  const value = redactValue(parsed, rules(fields), found)
  return { body: Buffer.from(stringifyJsonVerbatim(value)), found: [...found], kind: 'fields' }
}

interface Rules {
  readonly keys: ReadonlySet<string>
  readonly nested: ReadonlySet<string>
}

function rules(fields: PersonalDataFields): Rules {
  return { keys: new Set(fields.keys), nested: new Set(fields.nestedJson ?? []) }
}

function redactValue(value: unknown, r: Rules, found: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, r, found))
  if (!isObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (r.keys.has(key)) out[key] = everyLeaf(v, found)
    else if (r.nested.has(key) && typeof v === 'string') out[key] = redactNested(v, r, found)
    else out[key] = redactValue(v, r, found)
  }
  return out
}

/** A JSON document inside a string: redacted inside, written back as a string. */
function redactNested(text: string, r: Rules, found: Set<string>): string {
  let parsed: unknown
  try {
    parsed = parseJsonVerbatim(text)
  } catch {
    return text
  }
  return stringifyJsonVerbatim(redactValue(parsed, r, found))
}

function everyLeaf(value: unknown, found: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => everyLeaf(v, found))
  if (typeof value === 'string' || isVerbatimNumber(value) || typeof value === 'number') {
    const text = String(value)
    // An empty string or the marker itself hides nothing.
    if (text === '' || text === REDACTED) return value
    found.add(text)
    return REDACTED
  }
  if (!isObject(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, everyLeaf(v, found)]))
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isVerbatimNumber(value)
}

/**
 * Replaces each of `needles` (known personal values of one buyer: their e-mail, name, phone,
 * address lines) wherever it occurs in `text`, ignoring case: the last pass of an erasure over
 * that buyer's own rows, for values under keys a channel's list does not name.
 */
export function scrubText(text: string, needles: readonly string[]): string {
  const pattern = needlePattern(needles)
  return pattern ? text.replace(pattern, REDACTED) : text
}

/**
 * {@link scrubText} inside the string values of a JSON body only, so a needle of digits never cuts
 * into a number and the body stays JSON. A body that is not JSON is scrubbed as text.
 */
export function scrubBody(raw: Uint8Array, needles: readonly string[]): Buffer {
  const pattern = needlePattern(needles)
  const text = Buffer.from(raw).toString('utf8')
  if (!pattern) return Buffer.from(raw)
  let parsed: unknown
  try {
    parsed = parseJsonVerbatim(text)
  } catch {
    return Buffer.from(text.replace(pattern, REDACTED))
  }
  return Buffer.from(stringifyJsonVerbatim(scrubStrings(parsed, pattern)))
}

/** {@link scrubText} inside the string values of a parsed JSON value (input unchanged). */
export function scrubJson(value: unknown, needles: readonly string[]): unknown {
  const pattern = needlePattern(needles)
  return pattern ? scrubStrings(value, pattern) : value
}

function scrubStrings(value: unknown, pattern: RegExp): unknown {
  if (typeof value === 'string') return value.replace(pattern, REDACTED)
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, pattern))
  if (!isObject(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v, pattern)]))
}

/** Shorter values than this are not looked for: they would match inside unrelated words. */
const MIN_NEEDLE = 4

function needlePattern(needles: readonly string[]): RegExp | undefined {
  const usable = [...new Set(needles)].filter((n) => n.length >= MIN_NEEDLE && n !== REDACTED)
  if (usable.length === 0) return undefined
  // Longest first, so a line that contains a name is replaced whole.
  usable.sort((a, b) => b.length - a.length)
  const alternatives = usable.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
  // Whole values only: not a phone number's digits inside a longer id.
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu')
}
