// De-risks keeping credentials out of error messages built from a channel's own text.
import { describe, expect, it } from 'vitest'
import { redactSecrets } from './redact.js'

describe('redactSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redactSecrets('token abcd1234 again abcd1234, key s3cr3t', ['abcd1234', 's3cr3t'])).toBe(
      'token [redacted] again [redacted], key [redacted]',
    )
  })

  it('replaces a longer secret before one it contains', () => {
    expect(redactSecrets('Basic dXNlcjpwYXNz', ['dXNl', 'dXNlcjpwYXNz'])).toBe('Basic [redacted]')
  })

  it('ignores missing and very short values', () => {
    expect(redactSecrets('a bc def', [undefined, '', 'bc', 'def'])).toBe('a bc def')
  })
})
