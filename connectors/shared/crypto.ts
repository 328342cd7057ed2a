import { createHmac, timingSafeEqual } from 'node:crypto'

function hmacSha256(key: string | Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

/**
 * Constant-time comparison of a computed digest with one received as text in `encoding`.
 * Decoding first means the comparison runs over fixed-length digests; a received value of the
 * wrong length fails without a timing difference that depends on the secret.
 */
function digestMatches(expected: Buffer, received: string, encoding: 'base64' | 'hex'): boolean {
  const pattern = encoding === 'hex' ? /^[0-9a-fA-F]+$/ : /^[A-Za-z0-9+/]+={0,2}$/
  if (!pattern.test(received)) return false
  const got = Buffer.from(received, encoding)
  return got.length === expected.length && timingSafeEqual(got, expected)
}

/** True when any secret's HMAC-SHA256 of `data` equals `received` (rotation: any listed secret passes). */
export function hmacMatchesAny(
  secrets: readonly string[],
  data: Uint8Array,
  received: string,
  encoding: 'base64' | 'hex',
): boolean {
  let matched = false
  // Check every secret, not stopping early, so the time taken does not reveal which one matched.
  for (const secret of secrets) {
    if (digestMatches(hmacSha256(secret, data), received, encoding)) matched = true
  }
  return matched
}

/** The first non-empty value among several header names (lower-case), trimmed. */
export function firstHeader(
  headers: Readonly<Record<string, string>>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const value = headers[name]?.trim()
    if (value) return value
  }
  return undefined
}
