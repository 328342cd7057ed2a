import type { Metric, Registry } from 'prom-client'

export interface Sample {
  readonly metricName?: string
  readonly labels: Record<string, string>
  readonly value: number
}

/**
 * Registers a metric whose samples are computed at scrape time from an outside store (Redis, for
 * counts made in worker processes). prom-client has no public way to set a counter's value or a
 * histogram's buckets from outside, and a gauge would declare the wrong `# TYPE` (a `_total` name
 * is a counter: https://prometheus.io/docs/practices/naming/#metric-names); the registry only
 * needs `name`, `help`, `type`, `aggregator` and `get()`, which this object provides.
 */
export function registerStored(
  registry: Registry,
  m: { name: string; help: string; type: 'counter' | 'histogram'; read(): Promise<Sample[]> },
): void {
  const metric = {
    name: m.name,
    help: m.help,
    type: m.type,
    aggregator: 'sum',
    async get() {
      const values = await m.read()
      return { name: m.name, help: m.help, type: m.type, aggregator: 'sum', values }
    },
  }
  registry.registerMetric(metric as unknown as Metric)
}
