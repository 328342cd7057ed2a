/**
 * `fn` over every item with at most `limit` calls in flight, results in input order: for
 * channels that take one id per call, so a hydration of many records neither runs them one by
 * one nor fires them all at once.
 *
 * All or nothing: after the first failure no further item is started; the calls already in
 * flight are awaited (so none outlives this call), then the first failure is thrown.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be ≥ 1, got ${limit}`)
  const results = new Array<R>(items.length)
  let next = 0
  let failure: { readonly error: unknown } | undefined

  async function worker(): Promise<void> {
    while (failure === undefined && next < items.length) {
      const index = next
      next += 1
      try {
        results[index] = await fn(items[index] as T, index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure !== undefined) throw failure.error
  return results
}
