import { ChannelApiError } from '../shared/api-error.js'
import { CHANNEL } from './api-call.js'

/**
 * The ids asked for, each once, in the order first asked. An empty id, or one with a comma (Get
 * Order Detail takes a comma-separated list), is refused before anything is sent.
 */
export function uniqueIds(ids: readonly string[], what: string): string[] {
  for (const id of ids) {
    if (id === '' || id.includes(',')) {
      throw new ChannelApiError('permanent', `${CHANNEL}: invalid ${what} id ${JSON.stringify(id)}`)
    }
  }
  return [...new Set(ids)]
}

/** `items` in consecutive batches of at most `size`, for APIs that cap the ids per call. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
