/**
 * Refusals on the admin surface, counted by the API process that answered them (like the webhook
 * counters): failed authentications, requests refused by a rate limit, and admin writes refused
 * before authentication for their origin or content type.
 */
import { Counter, type Registry } from 'prom-client'

export interface AdminCounters {
  /** `reason`: missing, malformed, scheme (Basic outside Bull Board), wrong. */
  authFailure(reason: string): void
  /** `endpoint`: what was rate-limited: `admin-auth`, `webhook-oauth-token`. */
  rateLimited(endpoint: string): void
  /** `reason`: cross-origin, cross-site, content-type, no-origin (a console form without Origin). */
  writeRefused(reason: string): void
}

export function registerAdminMetrics(registry: Registry): AdminCounters {
  const failures = new Counter({
    name: 'hub_admin_auth_failures_total',
    help: 'Admin requests refused for their credentials, by reason (missing, malformed, scheme, wrong)',
    labelNames: ['reason'],
    registers: [registry],
  })
  const limited = new Counter({
    name: 'hub_rate_limited_total',
    help: 'Requests answered 429 because their address failed authentication too often, by endpoint (admin-auth, webhook-oauth-token)',
    labelNames: ['endpoint'],
    registers: [registry],
  })
  const refused = new Counter({
    name: 'hub_admin_writes_refused_total',
    help: 'Admin writes refused before authentication, by reason (cross-origin, cross-site, content-type, no-origin: a console form post without Origin or Sec-Fetch-Site)',
    labelNames: ['reason'],
    registers: [registry],
  })
  return {
    authFailure: (reason) => failures.inc({ reason }),
    rateLimited: (endpoint) => limited.inc({ endpoint }),
    writeRefused: (reason) => refused.inc({ reason }),
  }
}
