// What a benchmark run's results are judged by. Apart from results.ts, which names every
// benchmark's result type, so that a benchmark can judge itself without a cycle through it.

/** Issue #12's targets. */
export const TARGETS = {
  /** Durable ingress at least as fast as the naive receiver (hub 2xx/s ÷ naive 2xx/s). */
  hubOverNaive: 1.0,
  /** A rate is sustained when p99 from scheduled send to verified delivery is below this. */
  e2eP99Ms: 100,
  /** Highest sustained rate of the single-process layout. */
  e2eRateAll: 1_000,
  /** CPU per webhook of hub + PostgreSQL + Redis. */
  cpuMsPerWebhook: 1,
  /** Each hub process's peak RSS. */
  rssMb: 300,
}
