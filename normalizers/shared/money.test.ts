// De-risks money arithmetic: every amount the hub emits goes through toMinorUnits, so a float
// rounding slip or a silently truncated fraction here would corrupt every order total.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidPayloadError } from './invalid.js'
import { currencyExponent, formatMinorUnits, money, safeMinor, toMinorUnits } from './money.js'

const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD', 'CLF'] as const
const currency = fc.constantFrom(...CURRENCIES)
const minorUnits = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })

/** A reference implementation on BigInt: independent of the string slicing under test. */
function referenceMinor(amount: string, exponent: number): bigint {
  const [whole = '', fraction = ''] = amount.replace('-', '').split('.')
  const scaled = BigInt(whole + fraction.padEnd(exponent, '0').slice(0, exponent))
  return amount.startsWith('-') ? -scaled : scaled
}

describe('toMinorUnits', () => {
  it.each([
    ['64.90', 'USD', 6490],
    ['0', 'USD', 0],
    ['5', 'USD', 500],
    ['0.5', 'USD', 50],
    ['-5.00', 'USD', -500],
    ['-0.00', 'USD', 0],
    ['007.10', 'USD', 710],
    ['1200', 'JPY', 1200],
    ['1200.00', 'JPY', 1200],
    ['1.005', 'KWD', 1005],
    ['12.5', 'KWD', 12500],
    ['90071992547409.91', 'USD', Number.MAX_SAFE_INTEGER],
  ])('%s %s → %d', (amount, code, expected) => {
    expect(Object.is(toMinorUnits(amount, code), expected)).toBe(true)
  })

  it.each([
    ['0.29', 29],
    ['1.15', 115],
    ['4.35', 435],
    ['1.13', 113],
    ['8.20', 820],
  ])('%s USD is exact where parseFloat × 100 is not', (amount, expected) => {
    expect(Number.parseFloat(amount) * 100).not.toBe(expected)
    expect(toMinorUnits(amount, 'USD')).toBe(expected)
  })

  it('adds "0.1" and "0.2" exactly', () => {
    expect(0.1 + 0.2).not.toBe(0.3)
    expect(toMinorUnits('0.1', 'USD') + toMinorUnits('0.2', 'USD')).toBe(toMinorUnits('0.3', 'USD'))
  })

  it.each([
    ['1.005', 'USD', 'more fraction digits than USD allows (2)'],
    ['1.5', 'JPY', 'more fraction digits than JPY allows (0)'],
    ['abc', 'USD', 'not a decimal amount'],
    ['', 'USD', 'not a decimal amount'],
    ['1e5', 'USD', 'not a decimal amount'],
    ['1.', 'USD', 'not a decimal amount'],
    ['.5', 'USD', 'not a decimal amount'],
    ['+1', 'USD', 'not a decimal amount'],
    [' 1', 'USD', 'not a decimal amount'],
    ['1,00', 'USD', 'not a decimal amount'],
    ['--1', 'USD', 'not a decimal amount'],
    ['Infinity', 'USD', 'not a decimal amount'],
    ['0x10', 'USD', 'not a decimal amount'],
    ['90071992547409.92', 'USD', 'too large'],
    ['123456789012345678', 'JPY', 'too large'],
    ['1.00', 'usd', 'not an ISO 4217 currency code'],
    ['1.00', 'US', 'not an ISO 4217 currency code'],
  ])('rejects %j %s', (amount, code, message) => {
    expect(() => toMinorUnits(amount, code)).toThrow(InvalidPayloadError)
    expect(() => toMinorUnits(amount, code)).toThrow(message)
  })

  it('uses the ISO 4217 exponent of each currency', () => {
    expect(CURRENCIES.map(currencyExponent)).toEqual([2, 2, 0, 3, 4])
  })
})

describe('toMinorUnits properties', () => {
  it('round-trips through formatMinorUnits', () => {
    fc.assert(
      fc.property(minorUnits, currency, (minor, code) => {
        expect(toMinorUnits(formatMinorUnits(minor, code), code)).toBe(minor)
      }),
    )
  })

  it('accepts trailing zeros beyond the exponent and ignores them', () => {
    fc.assert(
      fc.property(minorUnits, currency, fc.integer({ min: 1, max: 4 }), (minor, code, zeros) => {
        const text = formatMinorUnits(minor, code)
        const padded =
          currencyExponent(code) === 0 ? `${text}.${'0'.repeat(zeros)}` : text + '0'.repeat(zeros)
        expect(toMinorUnits(padded, code)).toBe(minor)
      }),
    )
  })

  it('agrees with a BigInt reference on any well-formed amount (never floats)', () => {
    const amount = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^\d{1,12}$/),
        fc.option(fc.stringMatching(/^\d{1,2}$/), { nil: undefined }),
      )
      .map(
        ([negative, whole, fraction]) =>
          `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`,
      )
    fc.assert(
      fc.property(amount, (text) => {
        expect(BigInt(toMinorUnits(text, 'USD'))).toBe(referenceMinor(text, 2))
      }),
    )
  })

  it('sums exactly: Σ toMinorUnits(parts) = toMinorUnits(Σ parts)', () => {
    const cents = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 20 })
    fc.assert(
      fc.property(cents, (parts) => {
        const texts = parts.map((part) => formatMinorUnits(part, 'USD'))
        const total = texts.reduce((sum, text) => sum + toMinorUnits(text, 'USD'), 0)
        const expected = parts.reduce((sum, part) => sum + part, 0)
        expect(toMinorUnits(formatMinorUnits(expected, 'USD'), 'USD')).toBe(total)
      }),
    )
  })

  it('refuses a non-zero digit beyond the exponent', () => {
    const excess = fc
      .tuple(
        fc.stringMatching(/^\d{1,8}$/),
        fc.stringMatching(/^\d{2}$/),
        fc.stringMatching(/^\d{0,3}[1-9]$/),
      )
      .map(([whole, cents, rest]) => `${whole}.${cents}${rest}`)
    fc.assert(
      fc.property(excess, (text) => {
        expect(() => toMinorUnits(text, 'USD')).toThrow(InvalidPayloadError)
      }),
    )
  })

  it('throws only InvalidPayloadError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), currency, (text, code) => {
        try {
          expect(Number.isSafeInteger(toMinorUnits(text, code))).toBe(true)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidPayloadError)
        }
      }),
    )
  })
})

describe('formatMinorUnits', () => {
  it.each([
    [6490, 'USD', '64.90'],
    [-5, 'USD', '-0.05'],
    [0, 'USD', '0.00'],
    [1200, 'JPY', '1200'],
    [1005, 'KWD', '1.005'],
  ])('%d %s → %s', (minor, code, expected) => {
    expect(formatMinorUnits(minor, code)).toBe(expected)
  })
})

describe('money and safeMinor', () => {
  it('builds a contract Money', () => {
    expect(money('64.90', 'USD')).toEqual({ amountMinor: 6490, currency: 'USD' })
  })

  it('refuses arithmetic results beyond 2^53', () => {
    expect(safeMinor(Number.MAX_SAFE_INTEGER, 'sum')).toBe(Number.MAX_SAFE_INTEGER)
    expect(() => safeMinor(Number.MAX_SAFE_INTEGER + 1, 'sum')).toThrow('sum is too large')
  })

  it('locates an error under a path', () => {
    const located = new InvalidPayloadError('bad', ['price']).at('line_items', 0)
    expect(located.message).toBe('line_items.0.price: bad')
  })
})
