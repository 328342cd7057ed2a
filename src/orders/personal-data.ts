/**
 * The buyer's personal data in what the hub derived from a channel's order: the OrderSnapshot's
 * `customerEmail` and `shippingAddress` (the event contract marks both "personal data", see
 * src/events/order.ts) and a return's free-text `note`. An erasure replaces these with the marker
 * in the stored order and in every order event, which otherwise keep every field: status, lines,
 * totals and times are the order's state, not the buyer's.
 */
import type { OrderSnapshot, PostalAddress } from '../events/index.js'

/** The same marker as in redacted bodies (normalizers/shared/personal-data.ts). */
const REDACTED = '[redacted]'

/**
 * Address fields that identify the buyer or where they live. `region` and `countryCode` stay:
 * coarse enough to identify no one, and what tax and shipping reports group by.
 */
const PERSONAL_ADDRESS_FIELDS = [
  'name',
  'company',
  'line1',
  'line2',
  'city',
  'postalCode',
  'phone',
] as const satisfies readonly (keyof PostalAddress)[]

// Typed against the contract, so a renamed field fails here rather than leaving data in place.
const EMAIL = 'customerEmail' satisfies keyof OrderSnapshot
const ADDRESS = 'shippingAddress' satisfies keyof OrderSnapshot

/**
 * The fields that name the buyer themselves, looked for elsewhere in their rows by an erasure:
 * a city or postal code is shared by many and would match unrelated text (a postal code inside
 * a line id), so those are redacted where they are but not looked for.
 */
const IDENTIFYING_ADDRESS_FIELDS = [
  'name',
  'company',
  'line1',
  'line2',
  'phone',
] as const satisfies readonly (keyof PostalAddress)[]

/** The identifying values of a stored snapshot (to look for elsewhere), before it is redacted. */
export function personalValuesOfSnapshot(snapshot: unknown): string[] {
  if (!isRecord(snapshot)) return []
  const values: unknown[] = [snapshot[EMAIL]]
  const address = snapshot[ADDRESS]
  if (isRecord(address)) for (const f of IDENTIFYING_ADDRESS_FIELDS) values.push(address[f])
  return values.filter((v): v is string => typeof v === 'string' && v !== '' && v !== REDACTED)
}

/** The buyer e-mail a stored snapshot names, if any (and not already redacted). */
export function emailOfSnapshot(snapshot: unknown): string | null {
  const email = isRecord(snapshot) ? snapshot[EMAIL] : null
  return typeof email === 'string' && email !== '' && email !== REDACTED ? email : null
}

/** A stored snapshot with its personal values replaced; anything else in it is kept as is. */
export function redactSnapshot(snapshot: unknown): unknown {
  if (!isRecord(snapshot)) return snapshot
  const out: Record<string, unknown> = { ...snapshot }
  if (typeof out[EMAIL] === 'string') out[EMAIL] = REDACTED
  const address = out[ADDRESS]
  if (isRecord(address)) {
    const redacted: Record<string, unknown> = { ...address }
    for (const f of PERSONAL_ADDRESS_FIELDS)
      if (typeof redacted[f] === 'string' && redacted[f] !== '') redacted[f] = REDACTED
    out[ADDRESS] = redacted
  }
  return out
}

/**
 * An order event's `data` with the snapshot it carries (`order`) and a return's `note` redacted;
 * events of other kinds carry no personal data and come back unchanged.
 */
export function redactOrderEventData(data: unknown): unknown {
  if (!isRecord(data)) return data
  const out: Record<string, unknown> = { ...data }
  if ('order' in out) out.order = redactSnapshot(out.order)
  if (typeof out.note === 'string') out.note = REDACTED
  return out
}

/** The personal values an order event's data carries. */
export function personalValuesOfEventData(data: unknown): string[] {
  if (!isRecord(data)) return []
  const values = personalValuesOfSnapshot(data.order)
  if (typeof data.note === 'string' && data.note !== REDACTED && data.note !== '')
    values.push(data.note)
  return values
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
