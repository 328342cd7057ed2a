// `npm run bench`: builds the hub, measures ingress (vs a bare endpoint) and end-to-end latency.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, release, type } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { measureEndToEnd } from './end-to-end.js'
import { liveHubs } from './hub.js'
import { measureBare, measureIngress, type IngressRun } from './ingress.js'
import { liveChildren, runToCompletion } from './processes.js'
import { formatReport, TARGETS, type Results, type Settings } from './report.js'
import { createSignedPool } from './signed-requests.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MAIN_JS = join(ROOT, 'dist/src/main.js')
const RESULTS_DIR = join(ROOT, 'bench/results')

const numberList = (v: string | undefined, def: number[]) =>
  v ? v.split(',').map((s) => Number(s.trim())) : def
/**
 * Knobs for shorter or longer runs (the defaults are the benchmark as specified):
 * BENCH_CONNECTIONS=32,64,128  BENCH_SECONDS=10  BENCH_WARMUP_SECONDS=2  BENCH_E2E_RATE=200
 * BENCH_E2E_SECONDS=20  BENCH_POOL_SIZE=200000  BENCH_PG_URL  BENCH_REDIS_URL (see stores.ts).
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
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const logDir = join(RESULTS_DIR, `${stamp}-logs`)
  mkdirSync(logDir, { recursive: true })

  console.log('building the hub (npm run build)…')
  await runToCompletion('npm', ['run', 'build', '--silent'])

  let t = performance.now()
  const pool = createSignedPool(settings.poolSize)
  console.log(
    `signed ${pool.size.toLocaleString('en-US')} distinct webhooks in ${Math.round(performance.now() - t)} ms`,
  )

  const runs: IngressRun[] = []
  for (const connections of settings.connections) {
    t = performance.now()
    const plan = { connections, warmupSeconds: settings.warmupSeconds, seconds: settings.seconds }
    const run = await measureIngress({ ...plan, pool, logDir }, MAIN_JS)
    runs.push(run)
    console.log(
      `  hub ingress, ${connections} connections: ${run.measured.okPerSecond.toLocaleString('en-US')} 2xx/s, ` +
        `p99 ${run.measured.latencyMs.p99} ms, durability ${run.durability.ok ? 'OK' : 'FAILED'} ` +
        `(${Math.round((performance.now() - t) / 1000)} s)`,
    )
  }
  const best = runs.reduce((a, b) => (b.measured.okPerSecond > a.measured.okPerSecond ? b : a))
  const bare = await measureBare({
    connections: best.measured.connections,
    warmupSeconds: settings.warmupSeconds,
    seconds: settings.seconds,
    pool,
    logDir,
  })
  console.log(
    `  bare endpoint, ${best.measured.connections} connections: ` +
      `${bare.measured.okPerSecond.toLocaleString('en-US')} 2xx/s`,
  )

  console.log(`  end to end: ${settings.e2eRate}/s for ${settings.e2eSeconds} s…`)
  const e2e = await measureEndToEnd(
    {
      rate: settings.e2eRate,
      seconds: settings.e2eSeconds,
      warmupSeconds: settings.e2eWarmupSeconds,
      graceSeconds: settings.e2eGraceSeconds,
      pool,
      logDir,
    },
    MAIN_JS,
  )

  const durable = runs.every((r) => r.durability.ok)
  const results: Results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      os: `${type()} ${release()}`,
    },
    settings: { ...settings, bodyBytes: pool.bodyBytes },
    ingress: {
      runs,
      best,
      bare,
      ratioToBare: best.measured.okPerSecond / bare.measured.okPerSecond,
      meetsTarget: best.measured.okPerSecond >= TARGETS.ingressPerSecond,
      durable,
    },
    endToEnd: {
      ...e2e,
      meetsTarget:
        e2e.rate === TARGETS.endToEndRate &&
        e2e.measured.missing === 0 &&
        e2e.measured.latencyMs.p99 < TARGETS.endToEndP99Ms,
    },
    signedLate: pool.signedLate(),
  }
  const file = join(RESULTS_DIR, `${stamp}.json`)
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  console.log('\n' + formatReport(results))
  console.log(`\nresults: ${file}\nchild process logs: ${logDir}`)
  if (!durable) {
    console.error(
      '\nDURABILITY CHECK FAILED: acknowledged webhooks and stored rows/jobs differ (see above)',
    )
    return 1
  }
  return 0
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
