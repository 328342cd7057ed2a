/** How a channel's normalizer hands a webhook to the handler of its topic. */
import type { z } from 'zod'
import type { ChannelNormalizer, NormalizeInput, NormalizeResult } from '../types.js'
import { checkedAgainstContract } from './checked.js'
import { InvalidPayloadError } from './invalid.js'
import { invalid } from './result.js'

/** Maps one webhook of a topic. */
export type TopicHandler = (input: NormalizeInput) => NormalizeResult

/**
 * A normalizer that hands each webhook to the handler of its `input.topic` and checks what it
 * returns against the contract (`checkedAgainstContract`); an `InvalidPayloadError` the handler
 * throws becomes `invalid`. A topic without a handler is `ignored`, its body never read.
 */
export function byTopic(handlers: ReadonlyMap<string, TopicHandler>): ChannelNormalizer {
  return {
    normalize(input) {
      const handle = handlers.get(input.topic)
      if (!handle) return { kind: 'ignored', reason: `topic ${input.topic} is not consumed` }
      try {
        return checkedAgainstContract(handle(input))
      } catch (err) {
        if (err instanceof InvalidPayloadError) return { kind: 'invalid', issues: [err.message] }
        throw err
      }
    },
  }
}

/** Parses the body with `schema`, then maps it; a body that does not match is `invalid`. */
export function webhookOf<T>(
  schema: z.ZodType<T>,
  map: (webhook: T) => NormalizeResult,
): TopicHandler {
  return (input) => {
    const parsed = schema.safeParse(input.body)
    return parsed.success ? map(parsed.data) : invalid(parsed.error.issues)
  }
}
