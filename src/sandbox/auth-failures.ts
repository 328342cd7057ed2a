/**
 * The emulator's limit on guessing credentials at a token endpoint: a fixed window of failed
 * authentications per client address. Once an address has failed `limit` times, its requests are
 * refused (429 with Retry-After) without their credentials being checked until the window ends;
 * other addresses are unaffected. In memory: the emulator is one process.
 */
export interface AuthFailureSettings {
  readonly limit: number
  readonly windowMs: number
}

/**
 * Emulator default. Walmart documents neither a limit on failed token requests nor its size
 * (https://developer.walmart.com/us-marketplace/docs/throttling: "Rate limits vary by API",
 * answered 429), so this is an assumption: 10 failures a minute per address.
 */
export const DEFAULT_AUTH_FAILURES: AuthFailureSettings = { limit: 10, windowMs: 60_000 }

export class AuthFailureWindow {
  private readonly windows = new Map<
    string,
    { failures: number; refused: number; endsAt: number }
  >()

  constructor(private readonly settings: () => AuthFailureSettings) {}

  /** When `address` is locked out: seconds until its window ends, and refusals so far (this one included). */
  blocked(
    address: string,
    now = Date.now(),
  ): { retryAfterSeconds: number; refused: number } | undefined {
    const window = this.current(address, now)
    if (!window || window.failures < this.settings().limit) return undefined
    window.refused += 1
    return {
      retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)),
      refused: window.refused,
    }
  }

  fail(address: string, now = Date.now()): void {
    const window = this.current(address, now)
    if (window) window.failures += 1
    else
      this.windows.set(address, { failures: 1, refused: 0, endsAt: now + this.settings().windowMs })
  }

  private current(address: string, now: number) {
    const window = this.windows.get(address)
    if (window && window.endsAt <= now) this.windows.delete(address)
    return window && window.endsAt > now ? window : undefined
  }
}
