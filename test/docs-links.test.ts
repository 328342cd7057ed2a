// De-risks the manual drifting away from the repository: every relative link in README.md and
// docs/ (to a page, a source file or folder, or a heading of a Markdown page) must resolve, so a
// moved file or a renamed heading fails here instead of leaving a reader at a 404.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { headingAnchors, withoutFences } from './helpers/markdown.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** README.md and every Markdown file under docs/. */
function manualPages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return walk(path)
      return entry.name.endsWith('.md') ? [path] : []
    })
  return [join(ROOT, 'README.md'), ...walk(join(ROOT, 'docs'))]
}

/** The inline link targets of a page that point into the repository (no scheme, no `//`). */
function relativeLinks(markdown: string): string[] {
  // Code spans are blanked first: `[x](y)` inside one is text, not a link.
  const prose = withoutFences(markdown).replace(/`[^`\n]*`/g, 'x')
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map(([, target]) => target!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//'))
}

/** The links of `page` (its path decides where they point) whose file or heading does not exist. */
function brokenLinks(page: string, markdown: string): string[] {
  return relativeLinks(markdown).filter((link) => {
    const [path = '', anchor] = link.split('#', 2)
    // A leading `/` is the repository's root, as GitHub reads it.
    const base = path.startsWith('/') ? ROOT : dirname(page)
    const target = path === '' ? page : join(base, decodeURI(path))
    if (path !== '' && !existsSync(target)) return true
    if (!anchor || !target.endsWith('.md')) return false
    const text = target === page ? markdown : readFileSync(target, 'utf8')
    return !headingAnchors(text).has(decodeURIComponent(anchor).toLowerCase())
  })
}

describe('links in README.md and docs/', () => {
  const pages = manualPages()

  it.each(pages.map((page) => [relative(ROOT, page), page]))(
    '%s: every link resolves',
    (_name, page) => {
      expect(brokenLinks(page, readFileSync(page, 'utf8'))).toEqual([])
    },
  )

  it('reports a missing file or heading, and never a link inside code', () => {
    const page = join(ROOT, 'docs', 'example.md')
    const markdown = [
      '# Here',
      '## The `inbox_message` table',
      '[a](nope.md) [b](README.md#no-such-heading) [c](architecture.md#invariants) [d](#here)',
      '[i](#the-inbox_message-table) [j](#the-x-table)',
      '[e](../src/) [f](/docs/README.md) `[g](not-a-link.md)`',
      '```',
      '[h](inside-a-fence.md)',
      '```',
    ].join('\n')
    expect(brokenLinks(page, markdown)).toEqual([
      'nope.md',
      'README.md#no-such-heading',
      '#the-x-table',
    ])
  })
})
