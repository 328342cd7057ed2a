// The OMS's state: the newest known version of each order, kept in one JSON file. A delivery is
// applied at most once (its event id is remembered) and only if it is newer than what the order
// already holds (feed positions order an order's events), so redeliveries, duplicates and
// deliveries overtaking each other leave the same state as one delivery of each, in order.
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs'
import type { FeedEvent } from '@marketplace-hub/client'

export interface OrderRecord {
  /** Feed position of the event this version came from. */
  readonly position: number
  readonly eventId: string
  readonly status: string
  readonly updatedAt: string
  readonly total: { readonly amountMinor: number; readonly currency: string }
  /** Every event applied to this order, oldest first: an audit trail, and what the test reads. */
  readonly applied: readonly string[]
}

/** What became of a delivered event. */
export type Outcome = 'applied' | 'stale' | 'ignored' | 'duplicate'

export interface State {
  /** The subscription this consumer created, kept so that a restart reuses it. */
  subscription?: { readonly id: string; readonly secret: string }
  /** By subject (`order/<id>`). */
  readonly orders: Record<string, OrderRecord>
  /** Every event id handled, and how. A real OMS would prune ids older than its redelivery window. */
  readonly handled: Record<string, Exclude<Outcome, 'duplicate'>>
}

export class OrderBook {
  private constructor(
    private readonly file: string,
    readonly state: State,
  ) {}

  static load(file: string): OrderBook {
    const state = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as State)
      : { orders: {}, handled: {} }
    return new OrderBook(file, state)
  }

  /** Changes the state in memory; `save` makes it durable. */
  apply(event: FeedEvent): Outcome {
    if (this.state.handled[event.id]) return 'duplicate'
    const outcome = this.applyNew(event)
    this.state.handled[event.id] = outcome
    return outcome
  }

  private applyNew(event: FeedEvent): Exclude<Outcome, 'duplicate'> {
    // Every order event that carries the order's full snapshot (created, updated, cancelled,
    // fulfilled): the newest one is the order's state, so applying it in full is idempotent.
    if (!('order' in event.data)) return 'ignored' // a type this OMS did not subscribe to
    const current = this.state.orders[event.subject]
    if (current && current.position >= event.position) return 'stale'
    const { order } = event.data
    this.state.orders[event.subject] = {
      position: event.position,
      eventId: event.id,
      status: order.status,
      updatedAt: order.updatedAt,
      total: order.totals.total,
      applied: [...(current?.applied ?? []), event.id],
    }
    return 'applied'
  }

  /**
   * Writes the whole state to a temporary file, flushes it to disk and renames it over the old
   * one: a crash at any moment leaves either the old file or the new one, never half of one.
   */
  save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`
    const fd = openSync(temporary, 'w')
    try {
      writeSync(fd, JSON.stringify(this.state, null, 2))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, this.file)
  }
}
