import { pino, type Logger, type LevelWithSilent } from 'pino'

export type { Logger }

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log record: credentials,
 * signatures and buyers' personal data. Logs are read by more people than the database.
 */
const REDACT = [
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
  'password',
  '*.password',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-shopify-hmac-sha256"]',
  'headers["shopify-hmac-sha256"]',
  'headers["webhook-signature"]',
  '*.customerEmail',
  '*.shippingAddress',
  'email',
  '*.email',
]

export function createLogger(opts: { level: LevelWithSilent }): Logger {
  return pino({
    level: opts.level,
    base: { service: 'marketplace-hub' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  })
}
