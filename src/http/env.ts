import type { Logger } from '../logger.js'
import type { Context } from '../tracing/index.js'

/** Per-request variables every route can read. */
export interface AppEnv {
  Variables: {
    readonly requestId: string
    readonly log: Logger
    /**
     * What an admin action did, for the audit log: a handler sets the filter it applied, the
     * counts it affected, and anything an operator would ask about later. The audit middleware
     * records every mutating admin request whether or not this is set.
     */
    auditDetails?: Readonly<Record<string, unknown>>
    /** A webhook request's span, while tracing is on (middleware/trace-webhook.ts). */
    trace?: Context
  }
}
