// De-risks the command-line grammar: every way to ask for help or the version, every usage error
// as one short line (the process turns these into exit code 2), and options checked per command
// so a flag given to the wrong command is refused rather than silently ignored.
import { describe, expect, it } from 'vitest'
import { parseCommandLine } from './args.js'

describe('parseCommandLine', () => {
  it.each([[['--version']], [['-v']], [['start', '--version']]])(
    '%j asks for the version',
    (argv) => {
      expect(parseCommandLine(argv)).toEqual({ kind: 'version' })
    },
  )

  it.each([[['help']], [['--help']], [['-h']], [['start', '--help']]])(
    '%j asks for help',
    (argv) => {
      expect(parseCommandLine(argv)).toEqual({ kind: 'help' })
    },
  )

  it('reads each command and its options', () => {
    expect(parseCommandLine(['start'])).toEqual({ kind: 'start', role: undefined })
    expect(parseCommandLine(['start', '--role', 'api'])).toEqual({ kind: 'start', role: 'api' })
    expect(parseCommandLine(['migrate'])).toEqual({ kind: 'migrate' })
    expect(parseCommandLine(['listings', 'import', 'a.csv'])).toEqual({
      kind: 'listings-import',
      file: 'a.csv',
    })
    expect(parseCommandLine(['simulate', 'flash-sale', '--orders', '5', '--over', '100'])).toEqual({
      kind: 'simulate-flash-sale',
      flags: {
        sku: 'FLASH-SALE-SKU',
        orders: 5,
        onHand: 100,
        channels: 'all',
        duplicates: 1,
        overMs: 100,
        allocation: 'partitioned',
      },
    })
    expect(parseCommandLine(['simulate', 'flash-sale', '--allocation', 'shared'])).toMatchObject({
      flags: { allocation: 'shared' },
    })
  })

  it('reads hub stock: each action, with its channel and account', () => {
    for (const action of ['adopt', 'dry-run', 'go-live', 'onboarding'])
      expect(
        parseCommandLine(['stock', action, '--channel', 'walmart', '--account', 'acme-us']),
      ).toEqual({ kind: 'stock', action, channel: 'walmart', account: 'acme-us' })
  })

  it.each([
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['start', '-x'], 'unknown option -x'],
    [['deploy'], 'unknown command "deploy"'],
    [[], 'no command given'],
    [['migrate', '--role', 'api'], 'hub migrate takes no --role option'],
    [['start', '--orders', '3'], 'hub start takes no --orders option'],
    [['start', '--role'], 'option --role needs a value'],
    [['--help=yes'], 'option --help takes no value'],
    [['start', '--role', 'both'], '--role must be api, worker or all (got "both")'],
    [['start', 'now'], 'hub start: unexpected argument "now"'],
    [['listings', 'export'], 'usage: hub listings import <file.csv>'],
    [['listings', 'import'], 'hub listings import: name the CSV file'],
    [['listings', 'import', 'a.csv', 'b.csv'], 'hub listings import: unexpected argument "b.csv"'],
    [['simulate'], 'usage: hub simulate flash-sale|missed-webhooks [options]'],
    [
      ['simulate', 'flash-sale', '--orders', 'many'],
      '--orders must be a whole number (got "many")',
    ],
    [
      ['simulate', 'flash-sale', '--on-hand', '-1'],
      'option --on-hand: write a value starting with "-" as --on-hand=<value>',
    ],
    [['simulate', 'flash-sale', '--on-hand=-1'], '--on-hand must be a whole number (got "-1")'],
    [
      ['simulate', 'flash-sale', '--allocation', 'fair'],
      '--allocation must be partitioned, shared or auto (got "fair")',
    ],
    [
      ['stock'],
      'usage: hub stock adopt|dry-run|go-live|onboarding --channel <channel> --account <id>',
    ],
    [
      ['stock', 'live'],
      'usage: hub stock adopt|dry-run|go-live|onboarding --channel <channel> --account <id>',
    ],
    [['stock', 'adopt', '--account', 'a'], 'hub stock adopt: --channel is required'],
    [['stock', 'go-live', '--channel', 'walmart'], 'hub stock go-live: --account is required'],
    [
      ['stock', 'dry-run', '--channel', 'walmart', '--account', 'a', 'now'],
      'hub stock dry-run: unexpected argument "now"',
    ],
    [
      ['stock', 'adopt', '--channel', 'walmart', '--account', 'a', '--sku', 'x'],
      'hub stock takes no --sku option',
    ],
    [['start', '--channel', 'walmart'], 'hub start takes no --channel option'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(parseCommandLine(argv)).toEqual({ kind: 'usage-error', message })
  })

  it('reads backfill and the missed-webhooks simulation, refusing what they do not take', () => {
    expect(
      parseCommandLine([
        'backfill',
        '--channel',
        'shopify',
        '--account',
        'a',
        '--since',
        '2026-11-01',
      ]),
    ).toEqual({ kind: 'backfill', channel: 'shopify', account: 'a', since: '2026-11-01' })
    expect(parseCommandLine(['backfill', '--channel', 'shopify', '--account', 'a'])).toEqual({
      kind: 'usage-error',
      message: 'hub backfill: --since is required',
    })
    expect(parseCommandLine(['simulate', 'missed-webhooks'])).toEqual({
      kind: 'simulate-missed-webhooks',
      flags: { orders: 100, overMs: 60_000, seed: 16 },
    })
    expect(
      parseCommandLine([
        'simulate',
        'missed-webhooks',
        '--orders',
        '7',
        '--over',
        '500',
        '--seed',
        '3',
      ]),
    ).toEqual({ kind: 'simulate-missed-webhooks', flags: { orders: 7, overMs: 500, seed: 3 } })
    expect(parseCommandLine(['simulate', 'missed-webhooks', '--sku', 'X'])).toEqual({
      kind: 'usage-error',
      message: 'hub simulate missed-webhooks takes no --sku option',
    })
    expect(parseCommandLine(['simulate', 'missed-webhooks', '--orders', '0'])).toEqual({
      kind: 'usage-error',
      message: '--orders must be at least 1',
    })
    expect(parseCommandLine(['simulate', 'flash-sale', '--seed', '1'])).toEqual({
      kind: 'usage-error',
      message: 'hub simulate flash-sale takes no --seed option',
    })
    expect(parseCommandLine(['backfill', '--since', 'x', '--role', 'api'])).toEqual({
      kind: 'usage-error',
      message: 'hub backfill takes no --role option',
    })
  })
})
