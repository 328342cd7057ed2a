// De-risks the API docs page (/docs) that works in curl but not in a browser: the page is Swagger UI
// from the bundled swagger-ui-dist behind a same-origin CSP, so a script or style the CSP blocks,
// or an asset that is not served, leaves a blank page that only a real browser shows.
import { describe, expect, it } from 'vitest'
import { useBrowser } from '../helpers/browser.js'
import { useTestHub } from '../helpers/hub.js'

const hub = useTestHub({ listen: true })
const browser = useBrowser()

describe('the API docs page in a real browser', () => {
  it('renders every tag of /openapi.json from the hub alone, with nothing the CSP refuses', async () => {
    const page = await browser.page()
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
    page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`))
    const offsite: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith(hub.url)) offsite.push(r.url())
    })

    await page.goto(`${hub.url}/docs`)
    const doc = (await (await fetch(`${hub.url}/openapi.json`)).json()) as {
      tags: { name: string }[]
    }
    const tags = page.locator('h3.opblock-tag')
    await tags.first().waitFor()
    const shown = await Promise.all((await tags.all()).map((t) => t.getAttribute('data-tag')))
    expect(shown).toEqual(doc.tags.map((t) => t.name))

    await browser.screenshot(page, 'api-docs')
    expect(problems).toEqual([])
    expect(offsite).toEqual([])
  })
})
