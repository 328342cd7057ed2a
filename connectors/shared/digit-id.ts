import { z } from 'zod'

/**
 * A channel id as a digit string (Shopify, Walmart and TikTok Shop ids are integers). A JSON number
 * is stringified while it is a safe integer ≥ 0; beyond 2^53 it has already lost digits, so it is
 * refused: bodies and fetched records must be parsed with `parseJsonBody`, which keeps such ids as
 * digit strings.
 */
export const DigitId = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'number') return value
    if (Number.isSafeInteger(value) && value >= 0) return String(value)
    ctx.addIssue({
      code: 'custom',
      message: 'expected an integer id within 2^53; larger ids must be parsed with parseJsonBody',
    })
    return z.NEVER
  },
  z.string().regex(/^\d+$/, 'expected an integer id'),
)
