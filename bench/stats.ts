// Percentiles (nearest rank) of a recorded array of latencies in milliseconds.

export interface Percentiles {
  readonly count: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
  readonly mean: number
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  const at = (p: number) =>
    n === 0 ? NaN : round(sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)]!)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: n,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: n === 0 ? NaN : round(sorted[n - 1]!),
    mean: n === 0 ? NaN : round(sum / n),
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}

/** The median of the finite values (the mean of the middle two for an even count); NaN if none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  const n = sorted.length
  if (n === 0) return NaN
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
}
