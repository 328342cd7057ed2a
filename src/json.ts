import { isLosslessNumber, isSafeNumber, parse, stringify } from 'lossless-json'

/**
 * Parses a webhook body. Integers that a JavaScript number cannot hold exactly (channel ids beyond
 * 2^53) are kept as their digit strings instead of being silently rounded; every other number
 * becomes a number.
 */
export function parseJsonBody(text: string): unknown {
  // Fast path: every number token shorter than 16 digits is one lossless-json deems safe, so when
  // the text has no 16-digit run the native parser yields the same values, several times faster.
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text)
  return parse(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits))
}

const LONG_DIGIT_RUN = /\d{16}/

/**
 * Decodes the stored bytes as UTF-8 and parses them. Returns the problem instead of throwing:
 * a signed body that is not JSON is an expected, recorded outcome.
 */
export function decodeJsonBody(
  bytes: Uint8Array,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issue: string } {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return { ok: false, issue: 'body is not valid UTF-8' }
  }
  try {
    return { ok: true, value: parseJsonBody(text) }
  } catch (err) {
    return {
      ok: false,
      issue: `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

/**
 * Parses JSON keeping every number as the digits written (a lossless-json `LosslessNumber`), so
 * that a body rewritten with {@link stringifyJsonVerbatim} keeps its numbers exactly (redaction of
 * personal data changes the values it must and no other).
 */
export function parseJsonVerbatim(text: string): unknown {
  return parse(text)
}

export function stringifyJsonVerbatim(value: unknown): string {
  return stringify(value) ?? 'null'
}

/** A number as {@link parseJsonVerbatim} gives it. */
export function isVerbatimNumber(value: unknown): boolean {
  return isLosslessNumber(value)
}
