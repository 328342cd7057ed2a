// Peak resident memory of process groups, sampled from /proc/<pid>/status (Linux; empty elsewhere).
import { readFileSync } from 'node:fs'
import type { PidSource } from './cpu.js'

/** VmRSS of one process in MB, or 0 if it has exited (or there is no /proc). */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/**
 * Samples every group's RSS (summed over its processes) now and every `everyMs` until stopped;
 * `stop()` returns each group's peak in MB. Sampling costs one small file read per process.
 */
export function sampleRss(
  groups: Record<string, PidSource>,
  everyMs = 1_000,
): { stop(): Record<string, number> } {
  const peak: Record<string, number> = {}
  const sample = () => {
    for (const [name, pids] of Object.entries(groups)) {
      const mb = pids().reduce((a, pid) => a + rssMb(pid), 0)
      peak[name] = Math.max(peak[name] ?? 0, mb)
    }
  }
  sample()
  const timer = setInterval(sample, everyMs)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, Math.round(v)]))
    },
  }
}
