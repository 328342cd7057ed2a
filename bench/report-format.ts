// Plain-text table helpers for the report: number formatting, aligned columns, verdicts.

/** Thousands separators; "-" for NaN or infinity. */
export const n = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-')

/** Fixed decimals; "-" for NaN or infinity. */
export const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '-')

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
