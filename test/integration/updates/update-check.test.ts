import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src-main/core/core'
import type { UpdateInstaller } from '../../../src-main/core/desktop-hooks'
import { MemoryCredentialStore } from '../../../src-main/core/secrets/credential-store'
import { listEvents } from '../../../src-main/core/store/events-repo'
import { MAX_FEED_BYTES } from '../../../src-main/core/updates/feed'
import { UpdateService } from '../../../src-main/core/updates/update-service'
import { fixedClock } from '../../../src-main/core/util/clock'
import { silentLogger } from '../../../src-main/core/log/logger'
import { useTempDirs } from '../../helpers/temp-dir'

const tempDir = useTempDirs()

/** An electron-builder feed as it publishes one (generic provider), served on loopback. */
const feed = (version: string, extra = ''): string => `version: ${version}
files:
  - url: CertDesk-${version}.AppImage
    sha512: 3q2+7w==
    size: 123456
path: CertDesk-${version}.AppImage
sha512: 3q2+7w==
releaseDate: '2026-12-01T10:00:00.000Z'
releaseNotes: '<p>Alerts &amp; <b>tray</b></p><ul><li>One</li><li>Two</li></ul>'
${extra}`

let server: Server
let routes: Record<string, { status: number; body?: string; headers?: Record<string, string> }>
let base: string
let core: Core
const requests: string[] = []

beforeEach(async () => {
  routes = {}
  requests.length = 0
  server = createServer((req, res) => {
    requests.push(req.url ?? '')
    const r = routes[req.url ?? ''] ?? { status: 404, body: 'missing' }
    res.writeHead(r.status, { 'content-type': 'text/yaml', ...r.headers })
    res.end(r.body ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  core = createCore({ dataDir: tempDir(), credentials: new MemoryCredentialStore() })
})
afterEach(async () => {
  core.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

function service(opts: { installer?: UpdateInstaller; osRelease?: string } = {}): UpdateService {
  return new UpdateService({
    db: core.db,
    clock: fixedClock(new Date('2026-12-06T12:00:00Z')),
    logger: silentLogger,
    settings: core.settings,
    feedUrl: `${base}/releases/latest/download`,
    platform: 'linux',
    osRelease: opts.osRelease ?? '6.1.0-28-amd64',
    ...(opts.installer ? { desktop: { updateInstaller: opts.installer } } : {}),
  })
}

describe('the update check against a feed on loopback', () => {
  it('offers a newer version with its notes as text, following the redirect to the file', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 302, headers: { location: '/releases/download/v0.2.0/latest-linux.yml' } }
    routes['/releases/download/v0.2.0/latest-linux.yml'] = { status: 200, body: feed('0.2.0') }
    const check = await service().check('0.1.0', 'ui')
    expect(check).toMatchObject({ status: 'available', currentVersion: '0.1.0', latestVersion: '0.2.0', canInstall: false, message: 'CertDesk 0.2.0 is available (you have 0.1.0).' })
    expect(check.releaseNotes).toBe('Alerts & tray\n- One\n- Two')
    expect(requests).toEqual(['/releases/latest/download/latest-linux.yml', '/releases/download/v0.2.0/latest-linux.yml'])
    expect(core.settings.view().updates.lastCheckedAt).toBe('2026-12-06T12:00:00.000Z')
  })

  it('says up to date for the same or an older version', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: feed('0.1.0') }
    await expect(service().check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'up_to_date', message: 'CertDesk 0.1.0 is up to date.' })
    await expect(service().check('0.3.0', 'ui')).resolves.toMatchObject({ status: 'up_to_date' })
  })

  it('offers a test version only to those who asked for test versions, and respects a skipped version', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: feed('0.2.0-beta.1') }
    await expect(service().check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'not_allowed', reason: 'prerelease' })
    core.settings.update({ updates: { allowPrerelease: true } }, 'ui')
    await expect(service().check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'available', latestVersion: '0.2.0-beta.1' })
    core.settings.update({ updates: { skippedVersion: '0.2.0-beta.1' } }, 'ui')
    await expect(service().check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'skipped' })
  })

  it('holds a staged rollout back from installations outside the rolled-out share', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: feed('0.2.0', 'stagingPercentage: 10\n') }
    core.settings.updates() // stores this installation's bucket, which the test then sets
    core.db.prepare("UPDATE settings SET value_json = json_set(value_json, '$.rolloutBucket', 55) WHERE name = 'updates'").run()
    await expect(service().check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'not_allowed', reason: 'staged' })
    core.db.prepare("UPDATE settings SET value_json = json_set(value_json, '$.rolloutBucket', 3) WHERE name = 'updates'").run()
    await expect(service().check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'available' })
  })

  it('does not offer a version that needs a newer operating system', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: feed('0.2.0', "minimumSystemVersion: '7.0.0'\n") }
    await expect(service({ osRelease: '6.1.0-28-amd64' }).check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'not_allowed', reason: 'system_too_old' })
    await expect(service({ osRelease: '7.2.1' }).check('0.1.0', 'ui')).resolves.toMatchObject({ status: 'available' })
  })

  it('refuses a broken, oversized or missing feed with a message that says what is wrong', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: 'version: [unclosed' }
    await expect(service().check('0.1.0', 'ui')).rejects.toThrow(/not valid YAML/)
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: 'version: 0.2.0\n' }
    await expect(service().check('0.1.0', 'ui')).rejects.toThrow(/not an electron-updater feed: files/)
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: `version: 0.2.0\n#${'x'.repeat(MAX_FEED_BYTES)}` }
    await expect(service().check('0.1.0', 'ui')).rejects.toThrow(/larger than 64 KiB/)
    delete routes['/releases/latest/download/latest-linux.yml']
    await expect(service().check('0.1.0', 'ui')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('never follows a redirect away from https (or loopback)', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 302, headers: { location: 'http://updates.example.com/latest-linux.yml' } }
    await expect(service().check('0.1.0', 'ui')).rejects.toThrow(/must use https/)
  })

  it('installs only through the desktop app, and only the version on offer', async () => {
    routes['/releases/latest/download/latest-linux.yml'] = { status: 200, body: feed('0.2.0') }
    await expect(service().install('0.2.0', '0.1.0', 'web')).rejects.toThrow(/installed by the desktop app/)
    const installed: string[] = []
    const desktop = service({ installer: { downloadAndInstall: (v) => Promise.resolve(void installed.push(v)) } })
    await expect(desktop.install('0.3.0', '0.1.0', 'ui')).rejects.toMatchObject({ code: 'conflict' })
    await expect(desktop.install('0.2.0', '0.1.0', 'ui')).resolves.toMatchObject({ canInstall: true })
    expect(installed).toEqual(['0.2.0'])
    expect(listEvents(core.db, { subjectType: 'app' }).map((e) => [e.action, e.detail])).toEqual([['update.install', { from: '0.1.0', to: '0.2.0' }]])
  })
})
