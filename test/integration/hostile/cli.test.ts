// De-risks the command line as a new user meets it: --version and help answer, and a mistyped
// flag, command or import path ends in one line naming it (exit 2 for usage, 1 for a file that
// cannot be read), never a stack trace. Runs the real entry point; none of these reach a database.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { STACK_TRACE, spawnHub } from '../../helpers/hub-process.js'

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version

async function run(args: readonly string[]) {
  // An address nothing listens on: if a command tried to connect, it would fail loudly, not pass.
  const hub = spawnHub(args, {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:9/none',
    REDIS_URL: 'redis://127.0.0.1:9',
    STARTUP_RETRY_SECONDS: '0',
  })
  const code = await hub.exited
  expect(hub.output()).not.toMatch(STACK_TRACE)
  return { code, stdout: hub.stdout(), stderr: hub.stderr() }
}

describe('hub command line', () => {
  it('--version prints the package version', async () => {
    const { code, stdout, stderr } = await run(['--version'])
    expect(code).toBe(0)
    expect(stdout).toBe(`${VERSION}\n`)
    expect(stderr).toBe('')
  })

  it('help and --help list every command on stdout', async () => {
    for (const args of [['help'], ['--help']]) {
      const { code, stdout } = await run(args)
      expect(code).toBe(0)
      for (const command of [
        'start',
        'migrate',
        'listings import',
        'simulate flash-sale',
        'stock adopt',
        'help',
      ])
        expect(stdout).toContain(command)
      expect(stdout).toContain('--version')
    }
  })

  // Every other usage error is covered by src/cli/args.test.ts; this one proves the wiring.
  it('an unknown flag: one line and a usage hint on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await run(['start', '--frobnicate'])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe('hub: unknown option --frobnicate (run "hub help" for usage)\n')
  })

  it('hub stock without its account: one line, exit 2, before connecting', async () => {
    const { code, stderr } = await run(['stock', 'adopt', '--channel', 'walmart'])
    expect(code).toBe(2)
    expect(stderr).toBe('hub: hub stock adopt: --account is required (run "hub help" for usage)\n')
  })

  it('listings import of a missing file or a folder: one line, exit 1, before connecting', async () => {
    const missing = await run(['listings', 'import', 'no/such/listings.csv'])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe('cannot read no/such/listings.csv: no such file')
    const folder = await run(['listings', 'import', 'test'])
    expect(folder.code).toBe(1)
    expect(folder.stderr.trim()).toBe('cannot read test: it is a folder')
  })
})
