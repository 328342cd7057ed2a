import { randomUUID } from 'node:crypto'
import { userInfo } from 'node:os'
import type { Deps } from '../deps.js'
import { appendAudits } from '../db/repos/audit-log.js'
import { getOrderSync } from '../db/repos/order-sync.js'
import { CHANNEL_IDS, ChannelId } from '../events/index.js'
import { runView, type RunView } from '../metrics/completeness.js'
import { requestBackfill } from '../pipeline/order-sync-backfill.js'
import { runOrderSync } from '../pipeline/order-sync.js'

/** Exit codes: 0 done; 1 refused (unknown account, bad date) or failed (resumable); 2 unknown channel. */
export type BackfillExit = 0 | 1 | 2

/** While another process holds the run, its progress is read this often. */
const WATCH_MS = 2_000
const BAR_WIDTH = 30

/**
 * `hub backfill --channel C --account A --since DATE`: reads the account's orders changed since
 * DATE into the hub (docs/completeness.md). The run is committed page by page, so the same
 * command after a crash or Ctrl-C resumes where it stopped; if a worker (or another CLI) holds
 * the run, this one shows its progress and takes over should that process die. Progress goes to
 * stderr, the result to stdout.
 */
export async function backfillCommand(
  deps: Deps,
  channelArg: string,
  accountId: string,
  since: string,
): Promise<BackfillExit> {
  const parsed = ChannelId.safeParse(channelArg)
  if (!parsed.success) {
    console.error(
      `hub backfill: --channel must be one of ${CHANNEL_IDS.join(', ')} (got "${channelArg}")`,
    )
    return 2
  }
  const account = { channel: parsed.data, accountId }
  const name = `${account.channel}/${accountId}`
  const actor = `cli:${userInfo().username}`
  const requested = await requestBackfill(deps, account, since, actor)
  if (!requested.ok) {
    console.error(`hub backfill ${name}: ${requested.problem}`)
    return 1
  }
  await appendAudits(deps.db, [
    {
      actor,
      method: 'CLI',
      path: 'hub backfill',
      query: `channel=${account.channel}&account=${accountId}&since=${since}`,
      body: null,
      status: 200,
      details: { started: requested.started, run: runView(requested.run, deps.clock.now()) },
      requestId: `cli-${randomUUID()}`,
    },
  ])
  const window = `${requested.run.window_from!.toISOString()} to ${requested.run.window_to!.toISOString()}`
  process.stderr.write(
    `backfill ${name}: ${requested.started ? 'reading' : 'resuming the backfill of'} orders updated from ${window}\n`,
  )
  const bar = progressBar(name)
  const startedAt = Date.now()
  for (;;) {
    try {
      const outcome = await runOrderSync(deps, account, 'backfill', {
        onPage: (p) =>
          bar.show(
            runView(
              { ...p.row, pages: p.pages, orders_read: p.ordersRead, reached: p.reached },
              deps.clock.now(),
            ),
          ),
      })
      switch (outcome.kind) {
        case 'done':
          bar.show({ progress: 1, ordersRead: outcome.ordersRead, pages: null, reached: null })
          bar.end()
          console.log(
            `backfill ${name}: read ${outcome.ordersRead} orders (${outcome.newRows} states new to the hub) updated from ${outcome.window.from.toISOString()} to ${outcome.window.to.toISOString()} in ${Math.round((Date.now() - startedAt) / 1000)} s`,
          )
          return 0
        case 'idle':
          bar.end()
          console.log(`backfill ${name}: finished (by another process)`)
          return 0
        case 'unsupported':
          bar.end()
          console.error(`hub backfill ${name}: ${outcome.reason}`)
          return 1
        case 'busy':
        case 'lost': {
          // Another process holds the run: show its progress; take over if it dies.
          const row = await getOrderSync(deps.db, { ...account, kind: 'backfill' })
          if (!row || row.window_from === null) continue
          bar.show(runView(row, deps.clock.now()), 'run by another process')
          await new Promise((r) => setTimeout(r, WATCH_MS))
        }
      }
    } catch (err) {
      bar.end()
      console.error(
        `hub backfill ${name}: ${err instanceof Error ? err.message : String(err)}\nthe run is kept: run the same command again to resume it`,
      )
      return 1
    }
  }
}

/** One line redrawn in place on a terminal; a line per change at most every few seconds otherwise. */
function progressBar(name: string) {
  const tty = process.stderr.isTTY === true
  let lastLine = 0
  let drawn = false
  return {
    show(
      run: Pick<RunView, 'progress' | 'ordersRead' | 'reached'> & { pages: number | null },
      note?: string,
    ) {
      const filled = Math.round(run.progress * BAR_WIDTH)
      const pages = run.pages === null ? '' : `, ${run.pages} ${run.pages === 1 ? 'page' : 'pages'}`
      const line = `backfill ${name} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(run.progress * 100)}% ${run.ordersRead} orders${pages}${run.reached ? `, up to ${run.reached}` : ''}${note ? ` (${note})` : ''}`
      if (tty) {
        process.stderr.write(`\r${line}\u001b[K`)
        drawn = true
      } else if (Date.now() - lastLine >= 5_000 || run.progress === 1) {
        lastLine = Date.now()
        process.stderr.write(`${line}\n`)
      }
    },
    end() {
      if (drawn) process.stderr.write('\n')
      drawn = false
    },
  }
}
