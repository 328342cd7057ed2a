import { Hono } from 'hono'
import type { Logger } from '../../logger.js'
import type { Metrics } from '../../metrics/index.js'
import type { AppEnv } from '../env.js'

/**
 * `GET /metrics` in Prometheus text format, unauthenticated like the health checks: it carries
 * counts and ages, never payloads or secrets. If Postgres or Redis cannot be read, the scrape
 * fails with 503 and the reason is logged; Prometheus's `up` shows the gap.
 */
export function metricsRoutes(metrics: Metrics, log: Logger) {
  const app = new Hono<AppEnv>()
  app.get('/metrics', async (c) => {
    try {
      const text = await metrics.render()
      return c.body(text, 200, { 'content-type': metrics.registry.contentType })
    } catch (err) {
      log.warn({ err }, 'metrics could not be collected')
      return c.text('metrics unavailable: a backing store did not answer\n', 503)
    }
  })
  return app
}
