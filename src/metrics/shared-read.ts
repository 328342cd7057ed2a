/**
 * One read shared by the gauges of a scrape: each gauge's `collect` calls the returned function,
 * and those that run while a read is in flight get its result instead of starting another.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined
  return () => {
    if (inFlight) return inFlight
    const started = read()
    const clear = () => {
      inFlight = undefined
    }
    started.then(clear, clear)
    return (inFlight = started)
  }
}
