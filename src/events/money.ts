import { z } from 'zod'

export const Money = z
  .object({
    /** Integer amount in the currency's minor unit. Negative only where a field says so. */
    amountMinor: z.number().int().meta({ description: 'Integer amount in minor units' }),
    /** ISO 4217 alphabetic code, upper case. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .meta({ description: 'ISO 4217 currency code', examples: ['USD'] }),
  })
  .strict()
  .describe(
    "An amount of money. Never a float: `amountMinor` is an integer count of the currency's minor unit (cents for USD, yen for JPY, fils for KWD), and `currency` is its ISO 4217 code. Example: USD 64.90 is `{ amountMinor: 6490, currency: 'USD' }`.",
  )
export type Money = z.infer<typeof Money>

export const NonNegativeMoney = Money.extend({
  amountMinor: z
    .number()
    .int()
    .nonnegative()
    .meta({ description: 'Integer amount in minor units, >= 0' }),
}).describe('{@link Money} that is never negative: prices, discounts, totals.')
export type NonNegativeMoney = z.infer<typeof NonNegativeMoney>
