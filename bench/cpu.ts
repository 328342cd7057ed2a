// CPU used by each process group over a time window, read from /proc (Linux); empty elsewhere.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'

export type PidSource = () => readonly number[]

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(rest[11]) + Number(rest[12])
  } catch {
    return 0
  }
}

/** Every process whose command name is `comm` (e.g. all Postgres backends). */
export function pidsNamed(comm: string): PidSource {
  return () => {
    if (!existsSync('/proc')) return []
    const pids: number[] = []
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry))
      } catch {
        // exited meanwhile
      }
    }
    return pids
  }
}

function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
    const n = line.trim().split(/\s+/).slice(1).map(Number)
    const total = n.reduce((a, b) => a + b, 0)
    const idle = (n[3] ?? 0) + (n[4] ?? 0)
    return { busy: total - idle, total }
  } catch {
    return { busy: 0, total: 0 }
  }
}

/** CPU time per group over a window, in CPU seconds, with the window's length. */
export interface CpuUsage {
  /** Wall-clock length of the window. */
  readonly seconds: number
  /** Per group, plus "other processes" and "machine total": CPU seconds used in the window. */
  readonly cpuSeconds: Record<string, number>
}

/** Starts measuring now; `stop()` reports each group's CPU seconds and the whole machine's. */
export function startCpuClock(groups: Record<string, PidSource>): { stop(): CpuUsage } {
  const snapshot = () => {
    const byGroup = new Map<string, Map<number, number>>()
    for (const [name, source] of Object.entries(groups)) {
      byGroup.set(name, new Map(source().map((pid) => [pid, processTicks(pid)])))
    }
    return byGroup
  }
  const t0 = performance.now()
  const start = snapshot()
  const machine0 = machineTicks()
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000
      const end = snapshot()
      const machine1 = machineTicks()
      const cpuSeconds: Record<string, number> = {}
      if (!existsSync('/proc') || seconds <= 0) return { seconds, cpuSeconds }
      for (const [name, pids] of end) {
        let ticks = 0
        // A process that started during the window counts from zero; one that exited is lost.
        for (const [pid, t] of pids) ticks += t - (start.get(name)?.get(pid) ?? 0)
        cpuSeconds[name] = ticks / TICKS_PER_SECOND
      }
      if (machine1.total > machine0.total) {
        // /proc/stat's first line sums every core: scale its busy share back to CPU seconds.
        const cores = (machine1.total - machine0.total) / TICKS_PER_SECOND / seconds
        const machine =
          ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * cores * seconds
        const measured = Object.values(cpuSeconds).reduce((a, b) => a + b, 0)
        // Anything else on the machine (another developer's tests, a linter) competes for the cores.
        cpuSeconds['other processes'] = Math.max(0, machine - measured)
        cpuSeconds['machine total'] = machine
      }
      return { seconds, cpuSeconds }
    },
  }
}

/**
 * Waits until the machine's CPU use over one second stays below `maxPercent` (of one core), so that
 * a measurement does not start while something else is busy. Returns the last reading.
 */
export async function waitForQuiet(maxPercent = 20, maxWaitMs = 120_000): Promise<number> {
  const deadline = Date.now() + maxWaitMs
  let warned = false
  for (;;) {
    const a = machineTicks()
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const b = machineTicks()
    const cores = (b.total - a.total) / TICKS_PER_SECOND
    const busy = b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * cores * 100 : 0
    if (busy < maxPercent || Date.now() > deadline) {
      if (busy >= maxPercent)
        console.warn(`  machine still ${Math.round(busy)}% busy; measuring anyway`)
      return Math.round(busy)
    }
    if (!warned)
      console.log(`  machine ${Math.round(busy)}% busy with other work; waiting for it to settle…`)
    warned = true
  }
}
