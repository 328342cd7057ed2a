/**
 * A payload that passed its schema but cannot be mapped (an amount with more precision than its
 * currency has, a sum beyond 2^53). Thrown by shared helpers; a normalizer catches it and returns
 * `{ kind: 'invalid', issues: [error.message] }`, so it never escapes `normalize()`.
 */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError'

  /**
   * @param issue what is wrong, without the location
   * @param path where in the payload, e.g. `['line_items', 0, 'price']`; rendered `line_items.0.price`
   */
  constructor(
    readonly issue: string,
    readonly path: readonly (string | number)[] = [],
  ) {
    super(path.length > 0 ? `${path.join('.')}: ${issue}` : issue)
  }

  /** The same issue, located under `prefix` (callers know the path; the helpers do not). */
  at(...prefix: readonly (string | number)[]): InvalidPayloadError {
    return new InvalidPayloadError(this.issue, [...prefix, ...this.path])
  }
}
