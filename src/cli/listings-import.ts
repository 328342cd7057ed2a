import { parse } from 'csv-parse/sync'
import type { Deps } from '../deps.js'
import { ListingRow } from '../inventory/listing-input.js'
import { formatIssues } from '../issues.js'
import { putListings } from '../pipeline/inventory-commands.js'

/**
 * Reads listings from a CSV file with a header row: `sku`, `channel`, `account`, optionally
 * `channelSku`, `inventorySource` (true/false) and `locations` (hub locations separated by `;`;
 * empty: all), `unit.<field>` columns for the channel's ids
 * (a list field, such as TikTok's `unit.warehouseIds`, separated by `;`) and `policy.<field>`
 * columns (numbers). Empty cells are absent. Returns the rows, or every problem by line.
 */
export function readListingsCsv(
  text: string,
): { ok: true; rows: ListingRow[] } | { ok: false; problems: string[] } {
  let records: Record<string, string>[]
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true })
  } catch (err) {
    return { ok: false, problems: [`csv: ${(err as Error).message}`] }
  }
  const rows: ListingRow[] = []
  const problems: string[] = []
  records.forEach((record, i) => {
    const row: Record<string, unknown> = {}
    for (const [column, cell] of Object.entries(record)) {
      if (cell === '') continue
      const [head, field] = column.split('.', 2) as [string, string | undefined]
      if (head === 'unit' && field) {
        const unit = (row.unit ??= {}) as Record<string, unknown>
        unit[field] = field.endsWith('Ids') ? cell.split(';').map((s) => s.trim()) : cell
      } else if (head === 'policy' && field) {
        const policy = (row.policy ??= {}) as Record<string, unknown>
        policy[field] = Number(cell)
      } else if (column === 'inventorySource') {
        row.inventorySource = cell.toLowerCase() === 'true'
      } else if (column === 'locations') {
        row.locations = cell.split(';').map((s) => s.trim())
      } else row[column] = cell
    }
    const parsed = ListingRow.safeParse(row)
    // Line numbers count the header as line 1.
    if (!parsed.success) problems.push(...formatIssues(parsed.error, `line ${i + 2}`))
    else rows.push(parsed.data)
  })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows }
}

/**
 * `hub listings import <csv>`: validates every row, then writes them all (one transaction: all or
 * nothing) and queues their pushes. Progress goes to `progress` (stderr), the result to stdout.
 */
export async function importListings(
  deps: Deps,
  path: string,
  text: string,
  progress: (line: string) => void,
): Promise<number> {
  const read = readListingsCsv(text)
  if (read.ok) progress(`read ${read.rows.length} valid rows from ${path}; writing them`)
  const result = read.ok ? await putListings(deps, read.rows) : read
  if (!result.ok) {
    console.error(`nothing imported; ${path} has problems:\n  - ${result.problems.join('\n  - ')}`)
    return 1
  }
  console.log(`imported ${result.ids.length} listings from ${path}; their stock pushes are queued`)
  return 0
}
