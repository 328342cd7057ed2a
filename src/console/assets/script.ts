/**
 * The console's one script, served as /console/assets/console.js: it refreshes each panel
 * (`data-panel`: its fragment's URL) every `data-refresh-ms` (the panel's, else the page's,
 * else 5 s) by fetching the fragment and swapping the panel's body; it pauses while the tab is
 * hidden, skips a panel whose form has the focus, and marks a panel stale when a refresh fails.
 */
export const SCRIPT = `'use strict'
;(() => {
  const pageEvery = Number(document.body.dataset.refreshMs) || 5000
  const pad = (n) => String(n).padStart(2, '0')
  const clock = (d) => pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds())
  const panels = Array.from(document.querySelectorAll('[data-panel]'))

  function status(panel, text) {
    const el = panel.querySelector('[data-panel-status]')
    if (el) el.textContent = text
  }

  async function refresh(panel) {
    if (document.hidden || panel.contains(document.activeElement)) return
    try {
      const res = await fetch(panel.dataset.panel, {
        credentials: 'same-origin',
        headers: { accept: 'text/html' },
        cache: 'no-store',
      })
      if (!res.ok) throw new Error('HTTP ' + res.status)
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html')
      const fresh = doc.querySelector('[data-panel-body]')
      const current = panel.querySelector('[data-panel-body]')
      if (!fresh || !current) throw new Error('unexpected answer')
      current.replaceWith(document.adoptNode(fresh))
      panel.classList.remove('stale')
      panel.dataset.updatedAt = clock(new Date())
      status(panel, 'updated ' + panel.dataset.updatedAt + ' UTC')
    } catch (err) {
      panel.classList.add('stale')
      const last = panel.dataset.updatedAt ? ' since ' + panel.dataset.updatedAt + ' UTC' : ''
      status(panel, 'stale' + last + ': refresh failed (' + (err && err.message ? err.message : err) + ')')
    }
  }

  for (const panel of panels) {
    const every = Number(panel.dataset.refreshMs) || pageEvery
    setInterval(() => void refresh(panel), every)
  }
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) for (const panel of panels) void refresh(panel)
  })
})()
`
