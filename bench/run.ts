// `npm run bench`: builds the hub, measures ingress per body size and end to end per hub layout.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { cpus, release, type } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { liveHubs, type HubLayout } from './hub.js'
import { createInventoryPool } from './inventory-requests.js'
import { endToEndPhase, ingressPhase } from './phases.js'
import { liveChildren, runToCompletion } from './processes.js'
import { formatReport } from './report.js'
import { TARGETS, type EndToEndEntry, type Results, type Settings } from './results.js'
import { createSignedPool } from './signed-requests.js'
import { formatStockSync, measureStockSync } from './stock-sync.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAIN_JS = join(ROOT, 'dist/src/main.js')
const RESULTS_DIR = join(ROOT, 'bench/results')
/** End to end runs once per layout: one process doing everything, then HTTP and workers split. */
const E2E_LAYOUTS: readonly HubLayout[] = ['all', 'api+worker']

const numberList = (v: string | undefined, def: number[]) =>
  v ? v.split(',').map((s) => Number(s.trim())) : def
/**
 * Knobs for shorter or longer runs (the defaults are the benchmark as specified):
 * BENCH_CONNECTIONS=32,64,128  BENCH_SECONDS=10  BENCH_WARMUP_SECONDS=2  BENCH_E2E_RATE=200
 * BENCH_E2E_SECONDS=20  BENCH_POOL_SIZE=200000  BENCH_PG_URL  BENCH_REDIS_URL (see stores.ts)
 * BENCH_STOCK_RUNS=10  BENCH_STOCK_CHANGES=1000  BENCH_ONLY=stock|e2e (one figure alone).
 */
const settings: Settings = {
  connections: numberList(process.env.BENCH_CONNECTIONS, [32, 64, 128]),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  e2eRate: Number(process.env.BENCH_E2E_RATE ?? TARGETS.endToEndRate),
  e2eSeconds: Number(process.env.BENCH_E2E_SECONDS ?? 20),
  e2eWarmupSeconds: 2,
  e2eGraceSeconds: 10,
  poolSize: Number(process.env.BENCH_POOL_SIZE ?? 200_000),
}

async function main(): Promise<number> {
  const stockRuns = Number(process.env.BENCH_STOCK_RUNS ?? 10)
  const stockChanges = Number(process.env.BENCH_STOCK_CHANGES ?? 1_000)
  if (process.env.BENCH_ONLY === 'stock') {
    console.log(formatStockSync(await measureStockSync(stockRuns, stockChanges)).join('\n'))
    return 0
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const logDir = join(RESULTS_DIR, `${stamp}-logs`)
  mkdirSync(logDir, { recursive: true })

  console.log('building the hub (npm run build)…')
  await runToCompletion('npm', ['run', 'build', '--silent'])

  let t = performance.now()
  const pool = createSignedPool(settings.poolSize)
  console.log(
    `signed ${pool.size.toLocaleString('en-US')} distinct ${pool.topic} webhooks ` +
      `(${pool.bodyBytes} bytes each) in ${Math.round(performance.now() - t)} ms`,
  )

  t = performance.now()
  const smallPool = createInventoryPool(settings.poolSize)
  console.log(
    `signed ${smallPool.size.toLocaleString('en-US')} distinct ${smallPool.topic} webhooks ` +
      `(${smallPool.bodyBytes} bytes each) in ${Math.round(performance.now() - t)} ms`,
  )

  const ctx = { settings, logDir, mainJs: MAIN_JS }
  if (process.env.BENCH_ONLY === 'e2e') {
    for (const layout of E2E_LAYOUTS) {
      const e = await endToEndPhase(ctx, pool, layout)
      console.log(
        JSON.stringify({ layout, latency: e.measured.latencyMs, missing: e.measured.missing }),
      )
    }
    return 0
  }
  const ingress = await ingressPhase(ctx, pool, settings.connections)
  // The small body at the large body's best connection count: same load, smaller requests.
  const ingressSmallBody = await ingressPhase(ctx, smallPool, [ingress.best.measured.connections])
  const endToEnd: EndToEndEntry[] = []
  for (const layout of E2E_LAYOUTS) endToEnd.push(await endToEndPhase(ctx, pool, layout))
  console.log('stock sync…')
  const stockSync = await measureStockSync(stockRuns, stockChanges)

  const durable = ingress.durable && ingressSmallBody.durable
  const results: Results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      os: `${type()} ${release()}`,
    },
    settings: { ...settings, bodyBytes: pool.bodyBytes, smallBodyBytes: smallPool.bodyBytes },
    ingress,
    ingressSmallBody,
    endToEnd,
    stockSync,
    signedLate: pool.signedLate() + smallPool.signedLate(),
  }
  const file = join(RESULTS_DIR, `${stamp}.json`)
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  console.log('\n' + formatReport(results))
  console.log(`\nresults: ${file}\nchild process logs: ${logDir} (${logSizes(logDir)})`)
  if (!durable) {
    console.error(
      '\nDURABILITY CHECK FAILED: acknowledged webhooks and stored rows/jobs differ (see above)',
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

/** Stops every hub (dropping its database and queue keys) and child still running. */
async function cleanUp(): Promise<void> {
  for (const hub of [...liveHubs]) await hub.dispose().catch(() => undefined)
  for (const child of [...liveChildren]) await child.stop().catch(() => undefined)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up…`)
    void cleanUp().finally(() => process.exit(130))
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
