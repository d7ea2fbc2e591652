// The admin inspector (/admin) in a real browser (Debian's chromium driven by playwright-core) next to two
// demo tabs on one room: the inspector shows the room with two connections and the typed text in its
// document JSON, and a hook event arrives live (SSE) when a third demo tab joins.
//   node admin-browser.mjs --url http://127.0.0.1:3001 --room r1 --token ADMIN_TOKEN [--editor-token TOKEN]
//                          --screenshots DIR [--timeout 240000]
// (--editor-token: the demo tabs' token when auth is on: a writer of the room)
// stdout (JSON lines): "refused" {status, text} (the page before it has a token), "room" {connections,
//   document, facts}, "live" {before, after, notReloaded}, "cluster" {members, rooms, demoLink, hash},
//   "history" {points, latestDocument, earlySequenceNr, earlyDocument, earlyDiff, earlyPoint, typed},
//   "restored" {dialog, texts, points}, "done" {pageErrors};
//   "timeout" {what} when something does not happen in time (the Java side fails on it).
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { emit, hardTimeout, parseArgs } from './common.mjs'
import { launchChromium, openPage as open, runScript, until as waitIn } from './browser.mjs'

const args = parseArgs(process.argv.slice(2))
const base = args.url
const room = args.room || 'admin-demo'
const shots = args.screenshots || 'screenshots'
hardTimeout(Number(args.timeout || 240000), 'admin-browser')
mkdirSync(shots, { recursive: true })

const pageErrors = []
const openPage = (browser, name, url, viewport) => open(browser, name, url, pageErrors, viewport)
const until = (page, what, fn, arg) => waitIn(page, what, fn, arg,
  (p) => p.evaluate(() => document.getElementById('view')?.innerText || document.getElementById('status')?.textContent))

/** A demo tab on the room, synced (the demo page's status line, see demo-browser.mjs). */
async function demoTab (browser, name) {
  const query = args['editor-token'] ? `?token=${encodeURIComponent(args['editor-token'])}` : ''
  const tab = await openPage(browser, name, `${base}/demo/${encodeURIComponent(room)}${query}`)
  await until(tab.page, name + ' synced', () => document.getElementById('status').dataset.synced === 'true')
  return tab
}

const eventCount = (page, name) => page.evaluate((n) => document.querySelectorAll(`#events li[data-event="${n}"]`).length, name)

const browser = await launchChromium(args)
await runScript(browser, async () => {
  const a = await demoTab(browser, 'alice')
  const b = await demoTab(browser, 'bob')
  const typed = 'Minutes of the council, typed for the inspector'
  await a.page.locator('.ProseMirror').click()
  await a.page.keyboard.type(typed, { delay: 5 })
  for (const tab of [a, b]) {
    await until(tab.page, tab.name + ' has the text saved', (t) => {
      const s = document.getElementById('status')
      return s.dataset.pending === '0' && window.demo.editor.getText().includes(t)
    }, typed)
  }

  // Without a token the inspector is refused (auth on) and asks for one; the token field fixes that.
  const admin = await openPage(browser, 'admin', `${base}/admin#/room/${encodeURIComponent(room)}`, { width: 1280, height: 900 })
  await until(admin.page, 'admin refused without a token', () => document.getElementById('view-error') !== null)
  emit({
    event: 'refused',
    status: await admin.page.evaluate(() => document.getElementById('view-error').dataset.status),
    text: await admin.page.evaluate(() => document.getElementById('view-error').textContent)
  })
  await admin.page.fill('#token', args.token || '')
  await admin.page.click('#token-form button')

  await until(admin.page, 'room view with two connections and the text', (t) => {
    const doc = document.getElementById('document')
    return document.querySelectorAll('#connections tbody tr').length === 2 && doc && doc.textContent.includes(t)
  }, typed)
  await until(admin.page, 'event stream live', () => document.getElementById('status').dataset.connection === 'connected')
  const roomState = await admin.page.evaluate(() => ({
    connections: [...document.querySelectorAll('#connections tbody tr')].map(tr => tr.dataset.connectionId),
    document: JSON.parse(document.getElementById('document').textContent),
    facts: Object.fromEntries([...document.querySelectorAll('#room-facts dd[data-fact]')].map(dd => [dd.dataset.fact, dd.textContent]))
  }))
  emit({ event: 'room', ...roomState })

  // A third tab joins: its client:connected event reaches the open inspector over SSE (no reload), and the
  // room view follows (three connections).
  const connected = 'realtime:client:connected'
  await admin.page.evaluate(() => { window.notReloaded = true }) // gone if the page were loaded again
  const before = await eventCount(admin.page, connected)
  const c = await demoTab(browser, 'carol')
  await until(admin.page, 'a live client:connected event', ([n, count]) =>
    document.querySelectorAll(`#events li[data-event="${n}"]`).length > count, [connected, before])
  await until(admin.page, 'the room view refreshed to three connections', () =>
    document.querySelectorAll('#connections tbody tr').length === 3)
  const after = await eventCount(admin.page, connected)
  await admin.page.screenshot({ path: path.join(shots, 'admin.png'), fullPage: true })
  emit({ event: 'live', before, after, notReloaded: await admin.page.evaluate(() => window.notReloaded === true) })
  await c.context.close()

  // Cluster view, reached by the breadcrumb link: this node Up, the room listed with its connections.
  await admin.page.click('#crumbs a[href="#/"]')
  await until(admin.page, 'cluster view lists the room with two connections', (r) => {
    const row = document.querySelector(`#rooms tr[data-room-id="${r}"] td[data-connections]`)
    return row && row.dataset.connections === '2'
  }, room)
  const cluster = await admin.page.evaluate(() => ({
    members: [...document.querySelectorAll('#members tbody tr')].map(tr => ({ node: tr.dataset.node, text: tr.innerText })),
    rooms: [...document.querySelectorAll('#rooms tbody tr')].map(tr => tr.dataset.roomId),
    demoLink: document.querySelector('#rooms tbody tr a[href^="/demo/"]')?.getAttribute('href')
  }))
  await admin.page.screenshot({ path: path.join(shots, 'admin-cluster.png'), fullPage: true })
  // The node's link leads to the node view, its room link back to the room.
  await admin.page.click('#members tbody tr a')
  await until(admin.page, 'node view', (r) => document.querySelector(`#rooms tr[data-room-id="${r}"]`) !== null, room)
  await admin.page.click(`#rooms tr[data-room-id="${room}"] a[href^="#/room/"]`)
  await until(admin.page, 'room view again', () => document.getElementById('document') !== null)
  emit({ event: 'cluster', ...cluster, hash: await admin.page.evaluate(() => location.hash) })

  // History (issue 15): the room view links to it; the slider starts at the newest point (the whole text).
  await admin.page.click('#history-link')
  await until(admin.page, 'history view at the newest point with the text', (t) => {
    const doc = document.getElementById('history-document')
    return document.getElementById('history-slider') !== null && doc && doc.textContent.includes(t)
  }, typed)
  const latest = await admin.page.evaluate(() => ({
    points: Number(document.getElementById('history-slider').max) + 1,
    sequenceNr: document.getElementById('history-point').dataset.sequenceNr,
    document: document.getElementById('history-document').textContent
  }))
  // An early point (the middle of the journal): the document then, shorter, and the diff to the point before.
  const early = Math.floor((latest.points - 1) / 2)
  await admin.page.locator('#history-slider').fill(String(early))
  await until(admin.page, 'the document as of an early point', (seq) => {
    const point = document.getElementById('history-point')
    return point && point.dataset.sequenceNr !== seq && document.getElementById('history-document') !== null
  }, latest.sequenceNr)
  const earlyState = await admin.page.evaluate(() => ({
    sequenceNr: document.getElementById('history-point').dataset.sequenceNr,
    point: document.getElementById('history-point').innerText,
    document: document.getElementById('history-document').textContent,
    diff: document.getElementById('history-diff')?.innerText ?? null
  }))
  emit({
    event: 'history',
    points: latest.points,
    latestDocument: latest.document,
    earlySequenceNr: earlyState.sequenceNr,
    earlyDocument: earlyState.document,
    earlyDiff: earlyState.diff,
    earlyPoint: earlyState.point,
    typed
  })
  // Restore it: confirmed in the dialog; the rollback reaches both demo tabs as an edit.
  let dialog = null
  admin.page.once('dialog', (d) => { dialog = d.message(); d.accept() })
  await admin.page.click('#history-restore')
  for (const tab of [a, b]) {
    await until(tab.page, tab.name + ' has the restored (shorter) text', (t) => {
      const text = window.demo.editor.getText()
      return text.length < t.length && t.startsWith(text)
    }, typed)
  }
  await until(admin.page, 'the history view lists the restoring update', (n) =>
    Number(document.getElementById('history-slider')?.max) + 1 > n && document.getElementById('history-document') !== null, latest.points)
  await admin.page.screenshot({ path: path.join(shots, 'admin-history.png'), fullPage: true })
  emit({
    event: 'restored',
    dialog,
    texts: await Promise.all([a, b].map(tab => tab.page.evaluate(() => window.demo.editor.getText()))),
    points: await admin.page.evaluate(() => Number(document.getElementById('history-slider').max) + 1)
  })
  emit({ event: 'done', pageErrors })
})
