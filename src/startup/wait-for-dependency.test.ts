// De-risks the start-up wait: transient failures are retried with growing delays until the limit,
// one log line each; a permanent one (wrong password, unknown role) ends at once; the final
// message names the variable with the password redacted; and an abort from the other
// dependency's failure stops the wait after the current attempt.
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../logger.js'
import { describePostgresFailure, describeRedisFailure, redactUrl } from './dependency-failure.js'
import { StartupError, waitForDependency, type Dependency } from './wait-for-dependency.js'

function recordingLog() {
  const lines: { msg: string; retryInMs?: number }[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string })
      done()
    },
  })
  return { log: createLogger({ level: 'info' }, sink), lines }
}

/** A clock that only moves when the wait sleeps. */
function fakeTime() {
  let t = 0
  return {
    now: () => t,
    sleep: (ms: number) => {
      t += ms
      return Promise.resolve()
    },
  }
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
  code: 'ECONNREFUSED',
})

function dependency(failures: Error[], result = 'ok'): Dependency<string> & { calls: number } {
  const dep = {
    name: 'PostgreSQL',
    variable: 'DATABASE_URL',
    url: 'postgres://hub:s3cret@db:5432/hub',
    calls: 0,
    attempt: () => {
      const failure = failures[dep.calls++]
      return failure === undefined ? Promise.resolve(result) : Promise.reject(failure)
    },
    describe: describePostgresFailure,
  }
  return dep
}

describe('waitForDependency', () => {
  it('retries a refused connection with growing delays until it answers', async () => {
    const { log, lines } = recordingLog()
    const dep = dependency([refused, refused, refused])
    expect(await waitForDependency(dep, { retryMs: 30_000, log, ...fakeTime() })).toBe('ok')
    expect(dep.calls).toBe(4)
    expect(lines.map((l) => l.retryInMs)).toEqual([500, 1_000, 2_000])
    expect(lines[0]!.msg).toBe(
      'PostgreSQL (DATABASE_URL=postgres://hub:***@db:5432/hub) is not reachable: connection refused ' +
        '(nothing listens at that address); retrying in 0.5s (attempt 1, giving up after 30s)',
    )
    expect(JSON.stringify(lines)).not.toContain('s3cret')
  })

  it('gives up at the limit with one message naming the variable and the knob', async () => {
    const { log, lines } = recordingLog()
    const dep = dependency(Array<Error>(100).fill(refused))
    const wait = waitForDependency(dep, { retryMs: 10_000, log, ...fakeTime() })
    await expect(wait).rejects.toThrow(StartupError)
    await expect(wait).rejects.toThrow(
      'PostgreSQL (DATABASE_URL=postgres://hub:***@db:5432/hub) could not be reached within 10s: ' +
        'connection refused (nothing listens at that address). Start it, or point DATABASE_URL at it ' +
        '(STARTUP_RETRY_SECONDS sets how long to wait).',
    )
    // 0.5 + 1 + 2 + 4 + 2.5 (capped by the deadline): six attempts, five lines.
    expect(dep.calls).toBe(6)
    expect(lines).toHaveLength(5)
  })

  it('does not retry what cannot heal: a wrong password ends at once', async () => {
    const { log, lines } = recordingLog()
    const wrongPassword = Object.assign(
      new Error('password authentication failed for user "hub"'),
      { code: '28P01' },
    )
    const dep = dependency([wrongPassword])
    await expect(waitForDependency(dep, { retryMs: 30_000, log, ...fakeTime() })).rejects.toThrow(
      'PostgreSQL (DATABASE_URL=postgres://hub:***@db:5432/hub) refused the connection: ' +
        'authentication failed: password authentication failed for user "hub". Fix DATABASE_URL; ' +
        'retrying cannot help.',
    )
    expect(dep.calls).toBe(1)
    expect(lines).toHaveLength(0)
  })

  it('stops after the current attempt once aborted (the other dependency failed for good)', async () => {
    const { log } = recordingLog()
    const giveUp = new AbortController()
    giveUp.abort()
    const dep = dependency([refused, refused])
    await expect(
      waitForDependency(dep, { retryMs: 30_000, log, signal: giveUp.signal, ...fakeTime() }),
    ).rejects.toThrow(/could not be reached: connection refused/)
    expect(dep.calls).toBe(1)
  })
})

describe('what a failure means', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, false, /^connection refused/],
    [{ code: 'ENOTFOUND' }, false, /^host name not found/],
    [
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
      false,
      /refused/,
    ],
    [new Error('Connection terminated due to connection timeout'), false, /^connection timed out$/],
    [
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      false,
      /starting up/,
    ],
    [
      Object.assign(new Error('role "x" does not exist'), { code: '28000' }),
      true,
      /^authentication failed: role/,
    ],
    [
      Object.assign(new Error('database "x" does not exist'), { code: '3D000' }),
      true,
      /^database does not exist/,
    ],
    [
      Object.assign(new Error('permission denied to create database'), { code: '42501' }),
      true,
      /^permission denied/,
    ],
  ])('PostgreSQL %o: permanent %s', (err, permanent, cause) => {
    const failure = describePostgresFailure(err)
    expect(failure.permanent).toBe(permanent)
    expect(failure.cause).toMatch(cause)
  })

  it.each([
    [{ code: 'ECONNREFUSED' }, false, /^connection refused/],
    [new Error('LOADING Redis is loading the dataset in memory'), false, /^LOADING/],
    [
      new Error('WRONGPASS invalid username-password pair or user is disabled.'),
      true,
      /^authentication failed: WRONGPASS/,
    ],
    [new Error('NOAUTH Authentication required.'), true, /^authentication failed: NOAUTH/],
    [new Error('ERR DB index is out of range'), true, /DB index/],
  ])('Redis %o: permanent %s', (err, permanent, cause) => {
    const failure = describeRedisFailure(err)
    expect(failure.permanent).toBe(permanent)
    expect(failure.cause).toMatch(cause)
  })

  it('redacts only the password of a URL', () => {
    expect(redactUrl('redis://user:pw@host:6379/2')).toBe('redis://user:***@host:6379/2')
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/db')).toBe(
      'postgres://postgres@127.0.0.1:5432/db',
    )
    expect(redactUrl('not a url')).toBe('(unparseable URL)')
  })
})
