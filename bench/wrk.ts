// The load generator: wrk with bench/wrk-webhooks.lua; installs wrk if missing, runs it, reads results.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { spawnChild, tail, type Child } from './processes.js'
import { nextIdBlock, type WebhookTemplate } from './webhook-template.js'

const SCRIPT = fileURLToPath(new URL('./wrk-webhooks.lua', import.meta.url))

/** What wrk-webhooks.lua's done() prints (see its header), plus where this run's ids start. */
export interface WrkResult {
  readonly threads: number
  /** Requests written (each a distinct webhook). */
  readonly sent: number
  /** Answers received before wrk stopped; requests still in flight then are abandoned. */
  readonly answered: number
  /** 2xx answers. */
  readonly acked: number
  /** Answers by HTTP status. */
  readonly status: Record<string, number>
  /** wrk's run time: from start to its deadline (or SIGINT). */
  readonly durationUs: number
  readonly errors: {
    readonly connect: number
    readonly read: number
    readonly write: number
    readonly status: number
    readonly timeout: number
  }
  /** Acknowledgement latency (request written → answer), wrk's histogram. */
  readonly latencyUs: {
    readonly p50: number
    readonly p90: number
    readonly p99: number
    readonly max: number
    readonly mean: number
  }
  readonly idBase: number
}

/** Absolute path of `name` on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return undefined
}

/**
 * Makes sure wrk is installed: if it is not on PATH, runs `apt-get install -y wrk` (and, if that
 * fails, `apt-get update` and the install again), showing apt's output. Returns wrk's version line.
 */
export function ensureWrk(): string {
  if (!onPath('wrk')) {
    if (!onPath('apt-get'))
      throw new Error('wrk is not on PATH and apt-get is not available: install wrk 4.x by hand')
    const apt = (args: string[]) => {
      console.log(`wrk is not on PATH: running apt-get ${args.join(' ')}`)
      return spawnSync('apt-get', args, { stdio: 'inherit' }).status === 0
    }
    const installed =
      apt(['install', '-y', 'wrk']) || (apt(['update']) && apt(['install', '-y', 'wrk']))
    if (!installed || !onPath('wrk'))
      throw new Error(
        'could not install wrk with apt-get (needs root and a reachable Debian/Ubuntu mirror); ' +
          'install wrk 4.x and run the benchmark again',
      )
  }
  // wrk has no --version: it prints its version line with the usage text.
  const out = spawnSync('wrk', ['--version'], { encoding: 'utf8' })
  return `${out.stdout}${out.stderr}`.split('\n')[0]?.trim() ?? 'wrk'
}

export interface WrkPlan {
  readonly label: string
  readonly baseUrl: string
  readonly template: WebhookTemplate
  readonly connections: number
  readonly threads: number
  /** wrk's -d. With `rate` or `stopAfter` wrk is stopped (SIGINT) as soon as its threads are done. */
  readonly seconds: number
  /** Open loop: webhooks per second over all threads, sent for `sendSeconds`. */
  readonly rate?: number
  readonly sendSeconds?: number
  /** Closed loop: each thread stops once this many of its webhooks were answered 2xx. */
  readonly stopAfter?: number
  /** Where wrk's output goes (its log file) and, with `sendLog`, its per-thread send logs. */
  readonly logDir: string
  readonly workDir: string
  /** Have each thread log "orderId scheduledMicros sentMicros" per request. */
  readonly sendLog?: boolean
  /**
   * Once its threads are done, wrk is stopped only after this settles: a caller measuring wrk's
   * CPU needs it alive until its window closes (an exited process's /proc entry is gone).
   */
  readonly keepUntil?: Promise<unknown>
}

export interface WrkRun {
  readonly child: Child
  readonly idBase: number
  /** Prefix of the per-thread send logs (`${sendLogPrefix}.${thread}`), if asked for. */
  readonly sendLogPrefix: string | undefined
  /** Resolves once wrk has exited and printed its result. */
  readonly result: Promise<WrkResult>
}

/** Starts wrk; `result` resolves when it has finished. */
export function startWrk(plan: WrkPlan): WrkRun {
  if (plan.connections % plan.threads !== 0 || plan.connections < plan.threads)
    throw new Error(
      `wrk needs connections (${plan.connections}) a multiple of threads (${plan.threads})`,
    )
  const idBase = nextIdBlock()
  const tag = `${plan.label}-${idBase}`
  const sendLogPrefix = plan.sendLog ? join(plan.workDir, `sent-${tag}`) : undefined
  const donePrefix = plan.rate || plan.stopAfter ? join(plan.workDir, `done-${tag}`) : undefined
  const t = plan.template
  const args = [
    `body=${t.bodyPath}`,
    `order-id=${t.orderId}`,
    `id-base=${idBase}`,
    `secret=${t.secret}`,
    `webhook-prefix=${t.webhookIdPrefix}`,
    `path=${t.path}`,
    `threads=${plan.threads}`,
    ...Object.entries(t.headers).map(([name, value]) => `header=${name}:${value}`),
    ...(plan.rate ? [`rate=${plan.rate}`, `seconds=${plan.sendSeconds ?? plan.seconds}`] : []),
    ...(plan.stopAfter ? [`stop-after=${plan.stopAfter}`] : []),
    ...(sendLogPrefix ? [`log=${sendLogPrefix}`] : []),
    ...(donePrefix ? [`done=${donePrefix}`] : []),
  ]
  const child = spawnChild({
    name: `wrk (${plan.label})`,
    command: 'wrk',
    args: [
      ...['-t', String(plan.threads), '-c', String(plan.connections)],
      ...['-d', `${Math.ceil(plan.seconds)}s`, '--timeout', '60s'],
      ...['-s', SCRIPT, plan.baseUrl, '--', ...args],
    ],
    env: process.env,
    logFile: join(plan.logDir, `wrk-${tag}.log`),
  })
  const result = (async () => {
    if (donePrefix) {
      let exited = false
      void child.exited.then(() => (exited = true))
      // Every thread marks when it has sent everything and has every answer: stop wrk then,
      // rather than at its deadline (its main thread sleeps for the whole -d otherwise).
      while (!exited) {
        const markers = Array.from({ length: plan.threads }, (_, i) => `${donePrefix}.${i}`)
        if (markers.every((m) => existsSync(m))) {
          await plan.keepUntil
          child.signal('SIGINT')
          break
        }
        await sleep(50)
      }
    }
    const code = await child.exited
    await child.stop()
    const line = readFileSync(child.logFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('BENCH-RESULT '))
    if (!line)
      throw new Error(
        `wrk exited with ${code} without a result; its output:\n${tail(child.logFile, 30)}`,
      )
    return { ...(JSON.parse(line.slice('BENCH-RESULT '.length)) as WrkResult), idBase }
  })()
  return { child, idBase, sendLogPrefix, result }
}
