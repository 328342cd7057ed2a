import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino'

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

/** JSON lines to stdout, or to `destination` (tests read what was logged). */
export function createLogger(
  opts: { level: LevelWithSilent },
  destination?: DestinationStream,
): Logger {
  const options = {
    level: opts.level,
    base: { service: 'marketplace-hub' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }
  return destination ? pino(options, destination) : pino(options)
}
