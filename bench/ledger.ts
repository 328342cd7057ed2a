// The ledger figure (issue #12): how many on-hand adjustments per second the hub accepts when they
// all hit one SKU, and, as a baseline, when the same load is spread over 1,000 SKUs. The built hub
// runs as one `--role api` process; wrk (bench/ledger.lua) drives POST /v1/inventory/adjustments
// closed loop, every request with its own idempotency key. Afterwards the ledger is checked: the
// hot SKU's on-hand must be exactly minus the number of 201s.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { ADMIN_TOKEN, startHub } from './hub.js'
import { spawnChild, tail } from './processes.js'
import { databaseUrl } from './stores.js'

const SCRIPT = fileURLToPath(new URL('./ledger.lua', import.meta.url))
const HOT_SKU = 'LEDGER-HOT'
const SPREAD_SKU = 'LEDGER-SPREAD'

/** Accepted adjustments per second on one hot SKU that the throughput work aims for. */
export const LEDGER_TARGET_PER_SECOND = 2_000

export interface LedgerOptions {
  /** The built hub's entry point (dist/src/main.js). */
  readonly mainJs: string
  readonly logDir: string
  /** Measured seconds per run (default 10). */
  readonly seconds?: number
  /**
   * Seconds of load on the hot SKU before measuring, not counted in the rate (default 3: after 1 s
   * the hub's JIT was still cold and the hot figure came out a third lower).
   */
  readonly warmupSeconds?: number
  /** wrk connections, closed loop (default 64). */
  readonly connections?: number
  /** wrk threads (default 2); connections must be a multiple. */
  readonly threads?: number
  /** SKUs of the spread baseline (default 1,000). */
  readonly spreadSkus?: number
}

/** What ledger.lua's done() prints. */
interface WrkLedger {
  readonly sent: number
  readonly answered: number
  readonly accepted: number
  readonly status: Record<string, number>
  readonly windowUs: number
  readonly errors: Record<string, number>
  readonly latencyUs: { readonly p50: number; readonly p99: number; readonly max: number }
}

export interface LedgerRun {
  readonly skus: number
  readonly seconds: number
  readonly sent: number
  /** 201 answers: adjustments applied. */
  readonly accepted: number
  readonly acceptedPerSecond: number
  readonly status: Record<string, number>
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number }
  /** wrk's socket errors and timeouts; any is a problem. */
  readonly errors: number
  /**
   * CPU time the hub process used per accepted adjustment (µs): unlike the rate, it hardly moves
   * when other work shares the machine's cores.
   */
  readonly hubCpuUsPerAccepted: number
}

export interface LedgerResult {
  readonly connections: number
  readonly hot: LedgerRun
  readonly spread: LedgerRun
  /** The hot SKU's on-hand against minus its 201s (warm-up included); the spread SKUs' sum too. */
  readonly check: {
    readonly hotOnHand: number
    readonly hotAccepted: number
    readonly spreadOnHand: number
    readonly spreadAccepted: number
    readonly ok: boolean
  }
}

export async function measureLedger(opts: LedgerOptions): Promise<LedgerResult> {
  const seconds = opts.seconds ?? 10
  const connections = opts.connections ?? 64
  const threads = opts.threads ?? 2
  const spreadSkus = opts.spreadSkus ?? 1_000
  const hub = await startHub({
    layout: 'api',
    label: 'ledger',
    logDir: opts.logDir,
    mainJs: opts.mainJs,
  })
  const work = mkdtempSync(join(tmpdir(), 'hub-ledger-'))
  try {
    const hubPid = hub.processes[0]!.child.pid
    const wrk = (label: string, sku: string, skus: number, secs: number) =>
      runWrk(hubPid, {
        label,
        baseUrl: hub.baseUrl,
        sku,
        skus,
        seconds: secs,
        connections,
        threads,
        work,
        logDir: opts.logDir,
      })
    const warm = opts.warmupSeconds ?? 3
    const warmup = warm > 0 ? await wrk('warmup', HOT_SKU, 1, warm) : undefined
    const hot = await wrk('hot', HOT_SKU, 1, seconds)
    const spread = await wrk('spread', SPREAD_SKU, spreadSkus, seconds)
    const onHand = await onHandOf(hub.dbName)
    const hotAccepted = hot.accepted + (warmup?.accepted ?? 0)
    const check = {
      hotOnHand: onHand.hot,
      hotAccepted,
      spreadOnHand: onHand.spread,
      spreadAccepted: spread.accepted,
      ok: onHand.hot === -hotAccepted && onHand.spread === -spread.accepted,
    }
    return {
      connections,
      hot: toRun(hot, 1, seconds),
      spread: toRun(spread, spreadSkus, seconds),
      check,
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
    await hub.dispose()
  }
}

export function formatLedger(r: LedgerResult): string[] {
  const line = (name: string, run: LedgerRun) =>
    `  ${name}: ${Math.round(run.acceptedPerSecond).toLocaleString('en-US')} accepted/s ` +
    `(${run.accepted.toLocaleString('en-US')} × 201 in ${run.seconds} s), ` +
    `latency p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, ` +
    `hub CPU ${run.hubCpuUsPerAccepted} µs per adjustment` +
    (run.errors > 0 || run.accepted !== run.sent
      ? `; ${run.sent - run.accepted} not 201 (${JSON.stringify(run.status)}), ${run.errors} socket errors`
      : '')
  const met = r.hot.acceptedPerSecond >= LEDGER_TARGET_PER_SECOND
  return [
    `Ledger: POST /v1/inventory/adjustments, wrk closed loop, ${r.connections} connections, one --role api process`,
    line('one hot SKU   ', r.hot) +
      ` — target ≥ ${LEDGER_TARGET_PER_SECOND.toLocaleString('en-US')}/s: ${met ? 'met' : 'NOT MET'}`,
    line(`${r.spread.skus.toLocaleString('en-US')} SKUs (baseline)`, r.spread),
    `  ledger check: hot on-hand ${r.check.hotOnHand} vs −${r.check.hotAccepted} accepted (warm-up included); ` +
      `spread on-hand sum ${r.check.spreadOnHand} vs −${r.check.spreadAccepted}: ${r.check.ok ? 'exact' : 'MISMATCH'}`,
  ]
}

function toRun(w: WrkLedger & { hubCpuUs: number }, skus: number, seconds: number): LedgerRun {
  const ms = (us: number) => Math.round(us / 100) / 10
  return {
    skus,
    seconds,
    sent: w.sent,
    accepted: w.accepted,
    // Over the window from the first request to the last answer, not wrk's -d.
    acceptedPerSecond: w.windowUs > 0 ? w.accepted / (w.windowUs / 1e6) : 0,
    status: w.status,
    latencyMs: { p50: ms(w.latencyUs.p50), p99: ms(w.latencyUs.p99), max: ms(w.latencyUs.max) },
    errors: Object.values(w.errors).reduce((a, b) => a + b, 0),
    hubCpuUsPerAccepted: w.accepted > 0 ? Math.round(w.hubCpuUs / w.accepted) : 0,
  }
}

/**
 * Runs wrk with ledger.lua until every thread has sent for `seconds` and has all its answers (its
 * marker file), then stops it with SIGINT rather than waiting for its -d, which is only a bound.
 */
async function runWrk(
  hubPid: number,
  plan: {
    readonly label: string
    readonly baseUrl: string
    readonly sku: string
    readonly skus: number
    readonly seconds: number
    readonly connections: number
    readonly threads: number
    readonly work: string
    readonly logDir: string
  },
): Promise<WrkLedger & { hubCpuUs: number }> {
  const done = join(plan.work, `done-${plan.label}`)
  const cpuBefore = cpuUs(hubPid)
  const child = spawnChild({
    name: `wrk (ledger ${plan.label})`,
    command: 'wrk',
    args: [
      ...['-t', String(plan.threads), '-c', String(plan.connections)],
      ...['-d', `${plan.seconds + 30}s`, '--timeout', '10s', '--latency'],
      ...['-s', SCRIPT, plan.baseUrl, '--'],
      `token=${ADMIN_TOKEN}`,
      `run=${plan.label}`,
      `sku=${plan.sku}`,
      `skus=${plan.skus}`,
      `seconds=${plan.seconds}`,
      `done=${done}`,
    ],
    env: process.env,
    logFile: join(plan.logDir, `wrk-ledger-${plan.label}.log`),
  })
  let exited = false
  void child.exited.then(() => (exited = true))
  while (!exited) {
    const markers = Array.from({ length: plan.threads }, (_, i) => `${done}.${i}`)
    if (markers.every((m) => existsSync(m))) {
      try {
        process.kill(child.pid, 'SIGINT')
      } catch {
        // it exited meanwhile
      }
      break
    }
    await sleep(50)
  }
  const code = await child.exited
  const hubCpuUs = cpuUs(hubPid) - cpuBefore
  await child.stop()
  const line = readFileSync(child.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('LEDGER-RESULT '))
    .at(-1) // the log is appended to: a run with the same label before left its own line
  if (!line)
    throw new Error(`wrk exited with ${code} without a result:\n${tail(child.logFile, 30)}`)
  return { ...(JSON.parse(line.slice('LEDGER-RESULT '.length)) as WrkLedger), hubCpuUs }
}

/** User + system CPU time of a process so far, from /proc (clock ticks of 10 ms); 0 elsewhere. */
function cpuUs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // After "pid (comm) " the state is field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return 0
  }
}

/** The hot SKU's on-hand and the spread SKUs' sum, read from the hub's database. */
async function onHandOf(dbName: string): Promise<{ hot: number; spread: number }> {
  const client = new pg.Client({ connectionString: databaseUrl(dbName) })
  await client.connect()
  try {
    const { rows } = await client.query<{ hot: string | null; spread: string | null }>(
      `select sum(on_hand) filter (where sku = $1) as hot,
              sum(on_hand) filter (where sku like $2) as spread
         from inventory_item`,
      [HOT_SKU, `${SPREAD_SKU}-%`],
    )
    return { hot: Number(rows[0]?.hot ?? 0), spread: Number(rows[0]?.spread ?? 0) }
  } finally {
    await client.end()
  }
}
