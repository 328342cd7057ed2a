// `npm run bench` (issue #12): builds the hub, then measures, with wrk as the load generator,
//   ingress    hub --role api vs a bare hono endpoint vs a naive receiver, interleaved in rounds;
//   e2e        end to end at rising fixed rates, per hub layout, until a rate is not sustained;
//   ledger     adjustments per second accepted on one hot SKU (bench/ledger.ts);
//   stock      stock sync after a burst of changes (bench/stock-sync.ts);
//   catalog    a recount of a whole catalog on four channels, against the channels' floor
//              (bench/catalog.ts, issue 15);
//   memory     Redis memory under the run's queue prefix over BENCH_MEMORY_WEBHOOKS webhooks;
//   capacity   the capacity model's figures (bench/capacity.ts, docs/scaling.md): api+worker at one
//              rate with PostgreSQL's and Redis's counters, CPU per stage, the stores' ceilings.
// Every hub gets a fresh database and queue prefix and is removed afterwards, also on SIGINT.
// Results go to stdout and bench/results/<time>.json; child process logs to bench/results/<time>-logs.
//
// Knobs (environment variables; "quick" is the value with BENCH_QUICK=1):
//   BENCH_ONLY=ingress|e2e|ledger|stock|catalog|memory  one part (or a comma-separated list); default all
//   BENCH_QUICK=1                  short everything, for development (about 2 minutes)
//   BENCH_WRK_THREADS=1            wrk -t for every part (connections must be a multiple of it)
//   BENCH_QUIET_WAIT_SECONDS=30    before each measurement, wait up to this long (quick 2) for the
//                                  machine to be under 20% of a core busy
//   ingress: BENCH_ROUNDS=3 (quick 1)  BENCH_CONNECTIONS=128 (quick 64)  BENCH_SECONDS=10 (quick 3)
//            BENCH_WARMUP_SECONDS=3 (quick 1)
//   e2e:     BENCH_E2E_RATES=250,500,750,1000,1250,1500,2000 (quick 100,200)
//            BENCH_E2E_SECONDS=60 (quick 5): each rate held this long
//            BENCH_E2E_LAYOUTS=all,api+worker  BENCH_E2E_CONNECTIONS=256 (quick 64)
//            BENCH_E2E_WARMUP_SECONDS=10 (quick 2): first rate, before the ramp, not judged
//            BENCH_E2E_GRACE_SECONDS=10 (quick 5): delivery time allowed after the last send
//            BENCH_E2E_BARE_RATE=1000 (quick 200)  BENCH_E2E_BARE_SECONDS=10 (quick 3): the bare
//            endpoint's CPU per request, the baseline printed next to the hub's CPU per webhook
//   ledger:  BENCH_LEDGER_SECONDS=10 (quick 3)  BENCH_LEDGER_CONNECTIONS=64
//   stock:   BENCH_STOCK_RUNS=10 (quick 2)  BENCH_STOCK_CHANGES=1000 (quick 200)
//   catalog: BENCH_CATALOG_SKUS=10000 (quick 1000)  BENCH_CATALOG_VARIANTS=10 (SKUs per product)
//            BENCH_CATALOG_LEVELS_PER_REQUEST=1000 (levels per PUT /v1/inventory)
//   memory:  BENCH_MEMORY_WEBHOOKS=1000000 (quick 3000)  BENCH_MEMORY_CONNECTIONS=32 (quick 16)
//            BENCH_MEMORY_LAYOUT=api+worker (every webhook a BullMQ job; all: none in the happy path)
//            BENCH_MEMORY_MAX_BACKLOG=20000 (quick 1000): pause wrk above this many unprocessed
//            inbox rows (0 = never)  BENCH_MEMORY_MAX_SECONDS=7200: wrk's -d
//            BENCH_MEMORY_DRAIN_STALL_SECONDS=60 (quick 20): give up draining after no progress
//   capacity: BENCH_CAPACITY_RATE=200  BENCH_CAPACITY_SECONDS=30 (quick 5): the measured run
//            BENCH_CAPACITY_WARMUP_SECONDS=10 (quick 2)  BENCH_CAPACITY_PROFILE_SECONDS=15 (quick 3)
//            BENCH_CAPACITY_PGBENCH_SECONDS=15 (quick 6)  BENCH_CAPACITY_PGBENCH_CLIENTS=8
//            BENCH_CAPACITY_OUT=docs/capacity-figures.json (quick: none): where the figures go
//   BENCH_SKIP_BUILD=1             use dist/ as it is (e.g. while someone else runs the built hub)
//   BENCH_MAIN_JS=path             measure another build of the hub (implies nothing is built)
//   BENCH_PG_URL, BENCH_REDIS_URL (see stores.ts)
//   BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": flags for the hubs' node
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { cpus, release, tmpdir, type } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { renderScalingDoc, SCALING_DOC_PATH } from '../scripts/capacity.js'
import { CAPACITY_FIGURES_PATH } from './capacity-figures.js'
import { formatCapacity, measureCapacity } from './capacity.js'
import { measureEndToEnd } from './end-to-end.js'
import { liveHubs, type HubLayout } from './hub.js'
import { measureIngress } from './ingress.js'
import { measureMemory } from './memory.js'
import { liveChildren, runToCompletion } from './processes.js'
import { formatEndToEnd } from './report-e2e.js'
import { formatIngress } from './report-ingress.js'
import { formatMemory } from './report-memory.js'
import { formatHeading } from './report.js'
import { PARTS, type Part, type Results } from './results.js'
import { liveTargets } from './targets.js'
import { writeTemplate } from './webhook-template.js'
import { ensureWrk } from './wrk.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// BENCH_MAIN_JS: another build's entry point (e.g. an older commit's, built in a worktree), to
// measure it with this harness.
const MAIN_JS = process.env.BENCH_MAIN_JS ?? join(ROOT, 'dist/src/main.js')
const RESULTS_DIR = join(ROOT, 'bench/results')

const quick = process.env.BENCH_QUICK === '1'
const num = (name: string, full: number, short = full): number => {
  const raw = process.env[name]
  const v = raw === undefined || raw === '' ? (quick ? short : full) : Number(raw)
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name}=${raw} is not a number ≥ 0`)
  return v
}
const list = (name: string, full: string, short = full): string[] =>
  (process.env[name] || (quick ? short : full))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

const parts = list('BENCH_ONLY', PARTS.join(',')) as Part[]
for (const p of parts) if (!PARTS.includes(p)) throw new Error(`BENCH_ONLY: unknown part "${p}"`)
const threads = num('BENCH_WRK_THREADS', 1)
const settings = {
  quick,
  parts,
  wrkThreads: threads,
  quietWaitSeconds: num('BENCH_QUIET_WAIT_SECONDS', 30, 2),
  ingress: {
    rounds: num('BENCH_ROUNDS', 3, 1),
    connections: num('BENCH_CONNECTIONS', 128, 64),
    seconds: num('BENCH_SECONDS', 10, 3),
    warmupSeconds: num('BENCH_WARMUP_SECONDS', 3, 1),
  },
  e2e: {
    rates: list('BENCH_E2E_RATES', '250,500,750,1000,1250,1500,2000', '100,200').map(Number),
    seconds: num('BENCH_E2E_SECONDS', 60, 5),
    layouts: list('BENCH_E2E_LAYOUTS', 'all,api+worker') as HubLayout[],
    connections: num('BENCH_E2E_CONNECTIONS', 256, 64),
    warmupSeconds: num('BENCH_E2E_WARMUP_SECONDS', 10, 2),
    graceSeconds: num('BENCH_E2E_GRACE_SECONDS', 10, 5),
    bareRate: num('BENCH_E2E_BARE_RATE', 1000, 200),
    bareSeconds: num('BENCH_E2E_BARE_SECONDS', 10, 3),
  },
  ledger: {
    seconds: num('BENCH_LEDGER_SECONDS', 10, 3),
    connections: num('BENCH_LEDGER_CONNECTIONS', 64),
  },
  stock: { runs: num('BENCH_STOCK_RUNS', 10, 2), changes: num('BENCH_STOCK_CHANGES', 1000, 200) },
  catalog: {
    skus: num('BENCH_CATALOG_SKUS', 10_000, 1_000),
    variantsPerProduct: Math.max(1, num('BENCH_CATALOG_VARIANTS', 10)),
    levelsPerRequest: Math.max(1, num('BENCH_CATALOG_LEVELS_PER_REQUEST', 1_000)),
  },
  memory: {
    layout: (process.env.BENCH_MEMORY_LAYOUT ?? 'api+worker') as HubLayout,
    webhooks: num('BENCH_MEMORY_WEBHOOKS', 1_000_000, 3_000),
    connections: num('BENCH_MEMORY_CONNECTIONS', 32, 16),
    maxBacklog: num('BENCH_MEMORY_MAX_BACKLOG', 20_000, 1_000),
    maxSeconds: num('BENCH_MEMORY_MAX_SECONDS', 7_200),
    drainStallSeconds: num('BENCH_MEMORY_DRAIN_STALL_SECONDS', 60, 20),
  },
  capacity: {
    rate: num('BENCH_CAPACITY_RATE', 200),
    seconds: num('BENCH_CAPACITY_SECONDS', 30, 5),
    warmupSeconds: num('BENCH_CAPACITY_WARMUP_SECONDS', 10, 2),
    profileSeconds: num('BENCH_CAPACITY_PROFILE_SECONDS', 15, 3),
    pgbenchSeconds: num('BENCH_CAPACITY_PGBENCH_SECONDS', 15, 6),
    pgbenchClients: num('BENCH_CAPACITY_PGBENCH_CLIENTS', 8),
    out: process.env.BENCH_CAPACITY_OUT ?? (quick ? '' : CAPACITY_FIGURES_PATH),
  },
}
for (const layout of settings.e2e.layouts)
  if (!['all', 'api+worker', 'api'].includes(layout)) throw new Error(`unknown layout ${layout}`)
if (settings.e2e.rates.some((r) => !(r > 0))) throw new Error('BENCH_E2E_RATES: rates must be > 0')

/** The per-run scratch directory (webhook body, wrk send logs): removed at exit. */
let workDir: string | undefined

async function main(): Promise<number> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const logDir = join(RESULTS_DIR, `${stamp}-logs`)
  mkdirSync(logDir, { recursive: true })
  workDir = mkdtempSync(join(tmpdir(), 'hub-bench-'))
  const wrk = ensureWrk()
  console.log(`load generator: ${wrk}; parts: ${parts.join(', ')}${quick ? ' (quick)' : ''}`)

  if (process.env.BENCH_MAIN_JS) console.log(`BENCH_MAIN_JS: measuring ${MAIN_JS}`)
  else if (process.env.BENCH_SKIP_BUILD === '1')
    console.log('BENCH_SKIP_BUILD=1: using dist/ as it is')
  else {
    console.log('building the hub (npm run build)…')
    await runToCompletion('npm', ['run', 'build', '--silent'])
  }
  const template = writeTemplate(workDir)
  const common = { template, logDir, workDir, mainJs: MAIN_JS, threads }
  const results: { -readonly [K in keyof Results]: Results[K] } = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      os: `${type()} ${release()}`,
      wrk,
    },
    settings,
    parts,
  }
  let ok = true
  /** Each part's section of the report, printed as the part ends and again at the end. */
  const sections: string[][] = [formatHeading(results)]
  const print = (lines: string[]) => {
    console.log(lines.join('\n'))
    sections.push(lines)
  }
  for (const part of parts) {
    const t = performance.now()
    console.log(`\n${part}…`)
    switch (part) {
      case 'ingress': {
        const r = await measureIngress({
          ...common,
          ...settings.ingress,
          quietWaitSeconds: settings.quietWaitSeconds,
        })
        results.ingress = r
        ok &&= r.durable
        print(formatIngress(r, threads))
        break
      }
      case 'e2e': {
        const r = await measureEndToEnd({
          ...common,
          ...settings.e2e,
          quietWaitSeconds: settings.quietWaitSeconds,
        })
        results.endToEnd = r
        print(formatEndToEnd(r))
        break
      }
      case 'ledger': {
        // LEDGER (issue #12 part 3): bench/ledger.ts is owned by another helper; its result and
        // format are documented there. Imported here, not above, like stock-sync.ts below.
        const { formatLedger, measureLedger } = await import('./ledger.js')
        const r = await measureLedger({
          mainJs: MAIN_JS,
          logDir,
          seconds: settings.ledger.seconds,
          connections: settings.ledger.connections,
          threads,
        })
        results.ledger = r
        print(formatLedger(r))
        break
      }
      case 'stock': {
        // Loaded only when needed: it imports the hub's source (src/), which may be mid-edit while
        // the other parts only run the built hub.
        const { formatStockSync, measureStockSync } = await import('./stock-sync.js')
        const r = await measureStockSync(settings.stock.runs, settings.stock.changes)
        results.stockSync = r
        print(formatStockSync(r))
        break
      }
      case 'catalog': {
        // Loaded only when needed, as stock-sync.ts is.
        const { formatCatalog, measureCatalog } = await import('./catalog.js')
        const r = await measureCatalog(settings.catalog)
        results.catalog = r
        print(formatCatalog(r))
        break
      }
      case 'capacity': {
        const { out, ...capacity } = settings.capacity
        const r = await measureCapacity({
          ...common,
          ...capacity,
          connections: settings.e2e.connections,
          graceSeconds: settings.e2e.graceSeconds,
          quietWaitSeconds: settings.quietWaitSeconds,
          command: 'npm run bench:capacity',
        })
        results.capacity = r
        print(formatCapacity(r))
        if (out) {
          // Formatted as the repository's files are, so that the committed figures pass the check.
          const path = join(ROOT, out)
          const options = { ...(await resolveConfig(path)), parser: 'json' }
          writeFileSync(path, await format(JSON.stringify(r), options))
          // The page is the model over the committed figures: rewritten with them, never behind.
          writeFileSync(
            SCALING_DOC_PATH,
            await renderScalingDoc(readFileSync(SCALING_DOC_PATH, 'utf8')),
          )
          console.log(`capacity figures: ${out}; ${SCALING_DOC_PATH} rewritten from them`)
        }
        break
      }
      case 'memory': {
        const r = await measureMemory({ ...common, ...settings.memory })
        results.memory = r
        print(formatMemory(r))
        break
      }
    }
    console.log(`(${part}: ${Math.round((performance.now() - t) / 1000)} s)`)
  }

  const file = join(RESULTS_DIR, `${stamp}.json`)
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  console.log('\n' + '='.repeat(100) + '\n' + sections.map((l) => l.join('\n')).join('\n\n'))
  console.log(`\nresults: ${file}\nchild process logs: ${logDir} (${logSizes(logDir)})`)
  if (!ok) {
    console.error(
      '\nSTORAGE CHECK FAILED: acknowledged webhooks and stored rows/jobs differ (see above)',
    )
    return 1
  }
  return 0
}

/** Hubs log at info, which is start-up and shutdown only: the logs should stay a few KB each. */
function logSizes(dir: string): string {
  const files = readdirSync(dir).map((name) => ({ name, bytes: statSync(join(dir, name)).size }))
  const total = files.reduce((a, f) => a + f.bytes, 0)
  const largest = files.reduce((a, f) => (f.bytes > a.bytes ? f : a), { name: '-', bytes: 0 })
  return `${files.length} files, ${total.toLocaleString('en-US')} bytes in all, largest ${largest.name} ${largest.bytes.toLocaleString('en-US')} bytes`
}

/** Stops every hub and target (dropping databases and queue keys) and child still running. */
async function cleanUp(): Promise<void> {
  for (const hub of [...liveHubs]) await hub.dispose().catch(() => undefined)
  for (const target of [...liveTargets]) await target.dispose().catch(() => undefined)
  for (const child of [...liveChildren]) await child.stop().catch(() => undefined)
  if (workDir) rmSync(workDir, { recursive: true, force: true })
}

// Ctrl-C reaches this process twice (from the terminal, and relayed by tsx's parent process):
// the first signal cleans up, the duplicate is ignored, and pressing Ctrl-C again exits at once.
let signals = 0
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals++
    if (signals === 1) {
      console.error(`\n${signal}: cleaning up… (Ctrl-C again to exit without cleaning up)`)
      void cleanUp().finally(() => process.exit(130))
    } else if (signals > 2) process.exit(130)
  })
}

void main()
  .catch((err: unknown) => {
    console.error('\nbenchmark failed:', err)
    return 1
  })
  .then(async (code) => {
    await cleanUp()
    process.exit(code)
  })
