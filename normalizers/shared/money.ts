/**
 * Decimal strings to integer minor units, with string arithmetic only: a float never touches an
 * amount, so "0.1" + "0.2" stays exactly 30 cents. The exponent of each currency is ISO 4217's
 * (JPY 0, USD 2, IDR 2, KWD 3, CLF 4; iso4217.ts), not the runtime's ICU display digits.
 */
import type { Money } from '../../src/events/index.js'
import { InvalidPayloadError } from './invalid.js'
import { ISO_4217_MINOR_UNITS } from './iso4217.js'
import { located, type Path } from './result.js'

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/** Number of minor-unit digits of an active ISO 4217 currency; anything else is refused. */
export function currencyExponent(currency: string): number {
  const exponent = Object.hasOwn(ISO_4217_MINOR_UNITS, currency)
    ? ISO_4217_MINOR_UNITS[currency]
    : undefined
  if (exponent === undefined) {
    throw new InvalidPayloadError(
      `currency ${JSON.stringify(currency)} is not an ISO 4217 currency code with minor units`,
    )
  }
  return exponent
}

/**
 * `"64.90"`, `"USD"` → `6490`. Accepts an optional leading `-`, digits and an optional fraction.
 * Fraction digits beyond the currency's exponent must be zeros (`"1200.00"` JPY is 1200;
 * `"1.005"` USD is refused rather than rounded). Throws {@link InvalidPayloadError}.
 */
export function toMinorUnits(amount: string, currency: string): number {
  const exponent = currencyExponent(currency)
  const match = DECIMAL.exec(amount)
  if (!match) throw new InvalidPayloadError(`"${amount}" is not a decimal amount`)
  const [, sign, whole = '', fraction = ''] = match
  const kept = fraction.slice(0, exponent)
  if (!/^0*$/.test(fraction.slice(exponent))) {
    throw new InvalidPayloadError(
      `"${amount}" has more fraction digits than ${currency} allows (${exponent})`,
    )
  }
  const digits = (whole + kept.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '')
  const minor = digits.length <= 16 ? Number(digits) : Number.POSITIVE_INFINITY
  if (!Number.isSafeInteger(minor)) {
    throw new InvalidPayloadError(`"${amount}" ${currency} is too large to count in minor units`)
  }
  return sign === '-' && minor !== 0 ? -minor : minor
}

/** {@link toMinorUnits}, a bad amount reported at `path` (e.g. `['line_items', 0, 'price']`). */
export function minorAt(amount: string, currency: string, path: Path): number {
  return located(path, () => toMinorUnits(amount, currency))
}

/** `"64.90"`, `"USD"` → `{ amountMinor: 6490, currency: 'USD' }`. Throws {@link InvalidPayloadError}. */
export function money(amount: string, currency: string): Money {
  return { amountMinor: toMinorUnits(amount, currency), currency }
}

/** The inverse of {@link toMinorUnits}: `6490`, `"USD"` → `"64.90"`; `1200`, `"JPY"` → `"1200"`. */
export function formatMinorUnits(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not a safe integer`)
  const exponent = currencyExponent(currency)
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0')
  const whole = digits.slice(0, digits.length - exponent)
  const fraction = digits.slice(digits.length - exponent)
  return `${minor < 0 ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`
}

/**
 * Checks the result of integer arithmetic on minor units. Sums and products of safe integers
 * are exact exactly when the result is itself safe, so checking the result is enough.
 */
export function safeMinor(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidPayloadError(`${what} is too large to count in minor units`)
  }
  return value
}
