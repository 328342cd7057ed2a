// Plain-text table helpers for the report: number formatting, aligned columns, CPU rows.
import type { CpuReport } from './cpu.js'

export const n = (v: number) => (Number.isFinite(v) ? v.toLocaleString('en-US') : '-')

export const verdict = (met: boolean) => (met ? 'MET' : 'MISSED')

const pad = (cells: readonly string[], widths: readonly number[], left: number) =>
  cells.map((s, i) => (i < left ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ')

/** The first `left` columns left-aligned, the others right-aligned; two spaces of indent. */
export function table(
  head: readonly string[],
  rows: readonly (string | number)[][],
  left = 1,
): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? n(c) : c)))]
  const widths = head.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)))
  return cells.map((r) => '  ' + pad(r, widths, left).trimEnd()).join('\n')
}

const CPU_COLUMNS = ['hub', 'bare server', 'bench process', 'postgres', 'redis', 'other processes']

/** The "hub" cell: one process, or the sum of a split hub with its parts ("api 40% + worker 55%"). */
function hubCell(cpu: CpuReport): string {
  if ('hub' in cpu) return `${cpu.hub}%`
  const parts = Object.entries(cpu).filter(([g]) => g.startsWith('hub '))
  if (parts.length === 0) return '-'
  const sum = parts.reduce((a, [, v]) => a + v, 0)
  return `${sum}% (${parts.map(([g, v]) => `${g.slice(4)} ${v}%`).join(' + ')})`
}

export function cpuRows(runs: ReadonlyArray<[string, CpuReport]>): string {
  const present = new Set(runs.flatMap(([, cpu]) => Object.keys(cpu)))
  if ([...present].some((g) => g.startsWith('hub '))) present.add('hub')
  const groups = [...CPU_COLUMNS, 'machine total'].filter((g) => present.has(g))
  if (groups.length === 0) return '  (no /proc: CPU not measured)'
  return table(
    ['run', ...groups],
    runs.map(([name, cpu]) => [
      name,
      ...groups.map((g) => (g === 'hub' ? hubCell(cpu) : g in cpu ? `${cpu[g]}%` : '-')),
    ]),
  )
}
