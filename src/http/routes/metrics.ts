import { createRoute, z } from '@hono/zod-openapi'
import type { Logger } from '../../logger.js'
import type { Metrics } from '../../metrics/index.js'
import { openApiRoutes } from '../openapi-app.js'

const plainText = (description: string) => ({
  description,
  content: { 'text/plain': { schema: z.string() } },
})

const route = createRoute({
  method: 'get',
  operationId: 'getMetrics',
  path: '/metrics',
  tags: ['Operations'],
  summary: 'Prometheus metrics',
  description:
    'The Prometheus text exposition format (https://prometheus.io/docs/instrumenting/exposition_formats/); docs/http-api.md lists the series.',
  responses: {
    200: plainText('The metrics.'),
    503: plainText(
      'PostgreSQL or Redis did not answer; the scrape fails and the reason is logged.',
    ),
  },
})

/**
 * `GET /metrics` in Prometheus text format, unauthenticated like the health checks: it carries
 * counts and ages, never payloads or secrets. If Postgres or Redis cannot be read, the scrape
 * fails with 503 and the reason is logged; Prometheus's `up` shows the gap.
 */
export function metricsRoutes(metrics: Metrics, log: Logger) {
  const app = openApiRoutes()
  app.openapi(route, async (c) => {
    try {
      const text = await metrics.render()
      return c.text(text, 200, { 'Content-Type': metrics.registry.contentType })
    } catch (err) {
      log.warn({ err }, 'metrics could not be collected')
      return c.text('metrics unavailable: a backing store did not answer\n', 503)
    }
  })
  return app
}
