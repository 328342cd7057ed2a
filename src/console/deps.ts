import type { Deps } from '../deps.js'

/** What the console reads and acts through: the same dependencies as the admin API. */
export type ConsoleDeps = Pick<
  Deps,
  'config' | 'log' | 'db' | 'redis' | 'queues' | 'accounts' | 'clock' | 'metrics'
>
