// De-risks budget sharing between worker processes: two Node processes taking from one account's bucket at once send, together, no more than burst + rate × elapsed, where with buckets of their own (as before the shared budget) they send about twice that.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, inject, it } from 'vitest'
import type { TakerReport, TakerSettings } from '../helpers/budget-taker.js'
import { waitForLine, type HubProcess } from '../helpers/hub-process.js'
import { deleteKeys } from '../helpers/hub.js'
import { TEST_REDIS_URL } from '../services.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const prefix = `hubt-${inject('runId')}-${randomBytes(4).toString('hex')}`
afterAll(() => deleteKeys(prefix))

const PLAN = { perSecond: 10, burst: 10 }
const DURATION_MS = 2_000

/** A child process running test/helpers/budget-taker.ts, its output captured. */
function spawnTaker(settings: TakerSettings): HubProcess & { go(): void } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/budget-taker.ts', JSON.stringify(settings)],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => stdout + stderr,
    exited,
    go: () => child.stdin.end('go\n'),
  }
}

/** Two processes taking from one account's bucket for DURATION_MS, started together. */
async function runTwo(mode: TakerSettings['mode']) {
  const accountId = `acct-${randomBytes(4).toString('hex')}`
  const settings = {
    redisUrl: TEST_REDIS_URL,
    prefix,
    accountId,
    mode,
    plan: PLAN,
    durationMs: DURATION_MS,
    callers: 4,
  }
  const takers = [spawnTaker(settings), spawnTaker(settings)]
  try {
    await Promise.all(takers.map((t) => waitForLine(t, /^ready$/, { timeoutMs: 30_000 })))
    // Before either may take: no call can be let through earlier than this.
    const start = Date.now()
    for (const t of takers) t.go()
    const codes = await Promise.all(takers.map((t) => t.exited))
    expect(codes, takers.map((t) => t.stderr()).join('\n')).toEqual([0, 0])
    const reports = takers.map(
      (t) => JSON.parse(t.stdout().trim().split('\n').at(-1)!) as TakerReport,
    )
    return { start, reports }
  } finally {
    for (const t of takers) if (t.child.exitCode === null) t.child.kill()
  }
}

/**
 * How far the calls went beyond burst + rate × elapsed at worst: for the k-th call let through
 * (of both processes, in time order), k minus what the bucket allowed by then. Each call's time is
 * taken 25 ms after the process noted it (a quarter of a call at this rate): a Node timer counts
 * from the event loop's cached time, so a process descheduled on a busy machine may note a call
 * let through a few milliseconds before the bucket's own time for it.
 */
function worstOverspend(start: number, reports: readonly TakerReport[]): number {
  const sent = reports.flatMap((r) => r.granted).sort((a, b) => a - b)
  let worst = -Infinity
  sent.forEach((at, i) => {
    const allowed = PLAN.burst + (PLAN.perSecond * (at + 25 - start)) / 1000
    worst = Math.max(worst, i + 1 - allowed)
  })
  return worst
}

describe('budget sharing between two worker processes', () => {
  it(
    'holds both processes together to burst + rate × elapsed, where each alone would be allowed that much',
    { timeout: 120_000 },
    async () => {
      const shared = await runTwo('shared')
      // Both processes were served, and together they stayed inside one account's plan.
      for (const r of shared.reports) expect(r.granted.length).toBeGreaterThan(0)
      expect(worstOverspend(shared.start, shared.reports)).toBeLessThanOrEqual(0)

      // The same two processes pacing themselves alone: each spends the whole plan.
      const alone = await runTwo('local')
      expect(worstOverspend(alone.start, alone.reports)).toBeGreaterThanOrEqual(PLAN.burst / 2)
    },
  )
})
