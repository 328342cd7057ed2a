// A SKU's history is read a page at a time: following `next` must list every entry once, even
// when a page is cut between entries of the same instant.
import { describe, expect, it } from 'vitest'
import type { HistoryEntry } from './entries.js'
import { newestPage } from './page.js'

const entry = (at: string, n: number): HistoryEntry => ({
  at: `2026-12-05T10:00:0${at}.000Z`,
  kind: 'push',
  summary: String(n),
  ids: { push: String(n) },
  links: {},
})

/** Pages as the route serves them: entries at or before `until`, newest `limit`. */
function allPages(entries: HistoryEntry[], limit: number): HistoryEntry[][] {
  const pages: HistoryEntry[][] = []
  let until: string | null = '9999-12-31T00:00:00.000Z'
  while (until !== null) {
    const bound: string = until
    const page = newestPage(
      entries.filter((e) => e.at <= bound),
      limit,
    )
    pages.push(page.entries)
    until = page.next
  }
  return pages
}

describe('newestPage', () => {
  it('answers everything oldest first when it fits', () => {
    const entries = [entry('2', 2), entry('1', 1)]
    expect(newestPage(entries, 5)).toEqual({
      entries: [entry('1', 1), entry('2', 2)],
      truncated: false,
      next: null,
    })
  })

  it('cuts before the instant it would split, and the next page starts with it', () => {
    const entries = [entry('1', 1), entry('2', 2), entry('2', 3), entry('3', 4), entry('4', 5)]
    const first = newestPage(entries, 3)
    expect(first.entries.map((e) => e.summary)).toEqual(['4', '5'])
    expect(first).toMatchObject({ truncated: true, next: '2026-12-05T10:00:02.000Z' })
    const pages = allPages(entries, 3)
    expect(
      pages
        .flat()
        .map((e) => e.summary)
        .sort(),
    ).toEqual(['1', '2', '3', '4', '5'])
  })

  it('moves on when a whole page shares one instant', () => {
    const entries = [entry('1', 1), entry('2', 2), entry('2', 3)]
    const first = newestPage(entries, 2)
    expect(first.entries.map((e) => e.summary).sort()).toEqual(['2', '3'])
    expect(first.next).toBe('2026-12-05T10:00:01.999Z')
    expect(allPages(entries, 2).flat()).toHaveLength(3)
  })
})
