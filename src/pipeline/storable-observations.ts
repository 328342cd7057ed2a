import type { Observation } from '../../normalizers/index.js'
import {
  UNSTORABLE_TEXT,
  PG_INTEGER,
  unstorableTextPath,
  pathText,
  storableTime,
} from '../storable.js'

type Path = readonly (string | number)[]

/**
 * The values of an observation that land in typed columns, besides text: unit counts go to
 * `integer` columns of the ledger (order_reservation, listing), times to `timestamptz` ones
 * (sales_order.channel_updated_at, outbox_event.occurred_at). Everything else goes to `jsonb`,
 * where only U+0000 and unpaired surrogates are refused (checked over the whole observation).
 */
function typedValues(o: Observation): { integers: [Path, unknown][]; times: [Path, unknown][] } {
  switch (o.kind) {
    case 'order':
      return {
        integers: o.snapshot.lines.flatMap((line, i): [Path, unknown][] => [
          [['snapshot', 'lines', i, 'quantity'], line.quantity],
          [['snapshot', 'lines', i, 'quantityFulfilled'], line.quantityFulfilled],
        ]),
        times: [[['snapshot', 'updatedAt'], o.snapshot.updatedAt]],
      }
    case 'order-return':
      return {
        integers: o.data.lines.map((line, i): [Path, unknown] => [
          ['data', 'lines', i, 'quantity'],
          line.quantity,
        ]),
        times: [[['occurredAt'], o.occurredAt]],
      }
    case 'inventory-level':
      return {
        integers: [
          [['data', 'available'], o.data.available],
          [['data', 'onHand'], o.data.onHand],
        ],
        times: [[['occurredAt'], o.occurredAt]],
      }
    case 'listing-status':
    case 'subscription-confirmed':
    case 'account-authorization':
      return { integers: [], times: [[['occurredAt'], o.occurredAt]] }
  }
}

/**
 * What PostgreSQL would refuse in a message's observations, one line per field
 * (`observations[0].snapshot.lines[1].quantity: …`); empty when all of it can be stored. Checked
 * before the transaction, so a message the database cannot take fails alone and for good (as an
 * `invalid` payload) instead of failing its batch and being retried as if the database were down.
 */
export function unstorableIssues(observations: readonly Observation[]): string[] {
  return observations.flatMap((o, i) => {
    const at = (path: Path) => pathText(`observations[${i}]`, path)
    const issues: string[] = []
    const nul = unstorableTextPath(o)
    if (nul) issues.push(`${at(nul)}: ${UNSTORABLE_TEXT}`)
    const { integers, times } = typedValues(o)
    for (const [path, value] of integers) {
      if (typeof value === 'number' && (value < PG_INTEGER.min || value > PG_INTEGER.max))
        issues.push(`${at(path)}: ${value} is beyond what a PostgreSQL integer holds`)
    }
    for (const [path, value] of times) {
      if (typeof value === 'string' && !storableTime(new Date(value)))
        issues.push(`${at(path)}: ${value} is outside the years PostgreSQL stores (1 to 9999)`)
    }
    return issues
  })
}
