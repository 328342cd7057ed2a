import type { Logger } from '../logger.js'

/** Per-request variables every route can read. */
export interface AppEnv {
  Variables: {
    readonly requestId: string
    readonly log: Logger
  }
}
