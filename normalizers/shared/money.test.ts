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
    ['1.00', 'usd', 'currency "usd" is not an ISO 4217 currency code'],
    ['1.00', 'US', 'currency "US" is not an ISO 4217 currency code'],
    ['1.00', 'ABC', 'currency "ABC" is not an ISO 4217 currency code'],
    // Codes without minor units (gold, SDR) and the test code price nothing.
    ['1.00', 'XAU', 'currency "XAU" is not an ISO 4217 currency code'],
    ['1.00', 'XDR', 'currency "XDR" is not an ISO 4217 currency code'],
    ['1.00', 'XTS', 'currency "XTS" is not an ISO 4217 currency code'],
    ['1.00', 'toString', 'currency "toString" is not an ISO 4217 currency code'],
    ['1.00', '__proto__', 'currency "__proto__" is not an ISO 4217 currency code'],
  ])('rejects %j %s', (amount, code, message) => {
    expect(() => toMinorUnits(amount, code)).toThrow(InvalidPayloadError)
    expect(() => toMinorUnits(amount, code)).toThrow(message)
  })

  it('uses the ISO 4217 exponent of each currency', () => {
    expect(CURRENCIES.map(currencyExponent)).toEqual([2, 2, 0, 3, 4])
  })

  // ISO 4217 List One (SIX), CcyMnrUnts. The first four are where Node's ICU data says 0.
  it.each([
    ['IDR', 2, '15000.50', 1500050],
    ['HUF', 2, '1990.99', 199099],
    ['COP', 2, '35000.25', 3500025],
    ['PKR', 2, '1250.75', 125075],
    ['IQD', 3, '1500.250', 1500250],
    ['BHD', 3, '1.234', 1234],
    ['JOD', 3, '2.5', 2500],
    ['KWD', 3, '0.125', 125],
    ['LYD', 3, '10.001', 10001],
    ['OMR', 3, '3.3', 3300],
    ['TND', 3, '7.777', 7777],
    ['JPY', 0, '1200', 1200],
    ['KRW', 0, '15000', 15000],
    ['VND', 0, '250000', 250000],
    ['CLP', 0, '9990', 9990],
    ['ISK', 0, '1500', 1500],
    ['UGX', 0, '37000', 37000],
    ['XAF', 0, '655', 655],
    ['XOF', 0, '655', 655],
    ['CLF', 4, '1.2345', 12345],
    ['UYW', 4, '0.0001', 1],
    ['TWD', 2, '99.50', 9950],
    ['MGA', 2, '1000.20', 100020],
    ['XCG', 2, '17.90', 1790],
    ['ZWG', 2, '26.40', 2640],
  ] as const)('%s has %d minor digits: %s → %d', (code, exponent, amount, minor) => {
    expect(currencyExponent(code)).toBe(exponent)
    expect(toMinorUnits(amount, code)).toBe(minor)
    expect(formatMinorUnits(minor, code)).toBe(
      exponent === 0
        ? amount
        : (amount.includes('.') ? amount : `${amount}.`).padEnd(
            amount.split('.')[0]!.length + 1 + exponent,
            '0',
          ),
    )
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
