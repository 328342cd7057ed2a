// Memory: a --role all hub with a subscriber, driven closed loop by wrk until N webhooks were
// acknowledged; Redis memory under the run's queue prefix sampled every ~10% and after draining.
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { hubCpuGroups, startHub, type HubLayout } from './hub.js'
import { prefixMemory, type PrefixMemory } from './redis-memory.js'
import { rssMb, sampleRss } from './rss.js'
import { connectDb, pipelineState, REDIS_URL, type PipelineState } from './stores.js'
import { startSubscriber, subscribe } from './subscriber.js'
import type { WebhookTemplate } from './webhook-template.js'
import { startWrk, type WrkResult } from './wrk.js'

/** BullMQ's default maxLenEvents (10,000), trimmed approximately ("MAXLEN ~"): some slack. */
export const EVENT_STREAM_LIMIT = 11_000

export interface MemoryPlan {
  /**
   * `api+worker` by default: every webhook then passes through the BullMQ queue (an `all` process
   * normalizes its own webhooks without one), so what Redis keeps per completed job shows.
   */
  readonly layout: HubLayout
  readonly webhooks: number
  readonly connections: number
  readonly threads: number
  /**
   * Closed loop, ingress outruns the workers, and a backlog of 7.6 KB jobs would grow with the
   * count and hide whether completed jobs are retained. Above this many unprocessed inbox rows wrk
   * is paused (SIGSTOP) until the backlog halves. 0: never paused.
   */
  readonly maxBacklog: number
  /** wrk's -d: an upper bound on the sending. */
  readonly maxSeconds: number
  /** Draining ends when nothing moved for this long. */
  readonly drainStallSeconds: number
  readonly template: WebhookTemplate
  readonly logDir: string
  readonly workDir: string
  readonly mainJs: string
}

export interface MemorySample extends PipelineState, PrefixMemory {
  /** "10%" … "100%", or "drained". */
  readonly at: string
  readonly elapsedSeconds: number
  readonly delivered: number
  readonly hubRssMb: number
}

export interface MemoryResult {
  readonly layout: HubLayout
  readonly webhooks: number
  readonly connections: number
  readonly maxBacklog: number
  readonly wrk: WrkResult
  readonly samples: readonly MemorySample[]
  readonly peakHubRssMb: number
  /** Seconds wrk spent paused because the backlog was above maxBacklog. */
  readonly pausedSeconds: number
  readonly drained: boolean
  readonly duplicates: number
  readonly badSignatures: number
  /**
   * Nothing is kept per completed job: after draining, the prefix's memory other than the capped
   * event streams is at most 1.25 × what it was at the first sample + 256 KiB, and no event stream
   * is longer than its cap allows.
   */
  readonly bounded: boolean
}

export async function measureMemory(plan: MemoryPlan): Promise<MemoryResult> {
  const sub = await startSubscriber()
  const hub = await startHub({
    layout: plan.layout,
    label: 'memory',
    logDir: plan.logDir,
    mainJs: plan.mainJs,
  })
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 })
  const db = await connectDb(hub.dbName)
  const rss = sampleRss(hubCpuGroups(hub))
  try {
    sub.secret = await subscribe(hub.baseUrl, sub.url)
    const started = performance.now()
    const samples: MemorySample[] = []
    const sample = async (at: string, state: PipelineState) => {
      const s: MemorySample = {
        at,
        elapsedSeconds: Math.round((performance.now() - started) / 1000),
        ...state,
        delivered: sub.receivedUs.size,
        hubRssMb: Math.round(Math.max(...hub.processes.map((p) => rssMb(p.child.pid)))),
        ...(await prefixMemory(redis, hub.queuePrefix)),
      }
      samples.push(s)
      console.log(
        `  memory ${at}: ${s.committed} committed, backlog ${s.received}, delivered ${s.delivered}, ` +
          `${s.keys} keys / ${kib(s.bytes)} under the prefix (jobs ${s.jobKeys} / ` +
          `${kib(s.jobBytes)}, event streams ${kib(s.eventBytes)}), ` +
          `hub RSS ${s.hubRssMb} MB`,
      )
    }

    const run = startWrk({
      label: 'memory',
      baseUrl: hub.baseUrl,
      template: plan.template,
      connections: plan.connections,
      threads: plan.threads,
      seconds: plan.maxSeconds,
      stopAfter: Math.ceil(plan.webhooks / plan.threads),
      logDir: plan.logDir,
      workDir: plan.workDir,
    })
    let result: WrkResult | undefined
    void run.result.then(
      (r) => (result = r),
      () => undefined,
    )
    let tenth = 1
    let paused = false
    let pausedMs = 0
    let pausedAt = 0
    while (result === undefined) {
      await Promise.race([sleep(1_000), run.result.catch(() => undefined)])
      const state = await pipelineState(db)
      if (plan.maxBacklog > 0 && !paused && state.received > plan.maxBacklog) {
        run.child.signal('SIGSTOP')
        paused = true
        pausedAt = performance.now()
      } else if (paused && state.received <= plan.maxBacklog / 2) {
        run.child.signal('SIGCONT')
        paused = false
        pausedMs += performance.now() - pausedAt
      }
      while (tenth < 10 && state.committed >= (plan.webhooks * tenth) / 10) {
        await sample(`${tenth * 10}%`, state)
        tenth++
      }
    }
    if (paused) run.child.signal('SIGCONT')
    const wrk = await run.result
    await sample('100%', await pipelineState(db))

    // Drain: every inbox row processed, every delivery made, every acknowledged webhook received.
    let last = ''
    let lastChange = performance.now()
    let state = await pipelineState(db)
    const drainedNow = () =>
      state.received === 0 && state.pendingDeliveries === 0 && sub.receivedUs.size >= wrk.acked
    while (!drainedNow() && performance.now() - lastChange < plan.drainStallSeconds * 1000) {
      await sleep(1_000)
      state = await pipelineState(db)
      const key = `${state.received} ${state.pendingDeliveries} ${sub.receivedUs.size}`
      if (key !== last) lastChange = performance.now()
      last = key
    }
    const drained = drainedNow()
    await sample(drained ? 'drained' : 'drain stalled', state)

    const first = samples[0]!
    const final = samples.at(-1)!
    const uncapped = (m: PrefixMemory) => m.bytes - m.eventBytes
    const eventsCapped = samples.every((m) => m.longestEvents <= EVENT_STREAM_LIMIT)
    return {
      layout: plan.layout,
      webhooks: plan.webhooks,
      connections: plan.connections,
      maxBacklog: plan.maxBacklog,
      wrk,
      samples,
      peakHubRssMb: Math.max(...Object.values(rss.stop())),
      pausedSeconds: Math.round(pausedMs / 1000),
      drained,
      duplicates: [...sub.duplicates.values()].reduce((a, b) => a + b, 0),
      badSignatures: sub.counts.badSignatures,
      bounded: drained && eventsCapped && uncapped(final) <= 1.25 * uncapped(first) + 256 * 1024,
    }
  } finally {
    rss.stop()
    await db.end().catch(() => undefined)
    redis.disconnect()
    await hub.dispose()
    await sub.close()
  }
}

const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`
