import { release } from 'node:os'
import type { Dispatcher } from 'undici'
import { loadUndici } from '../util/lazy-undici'
import type { DesktopHooks } from '../desktop-hooks'
import { CoreError } from '../errors'
import type { Logger } from '../log/logger'
import type { SettingsService } from '../settings/settings-service'
import type { FetchLike, FetchResponseLike } from '../sectigo/transport'
import { isLoopbackHost } from '../sectigo/proxy'
import type { Db } from '../store/db'
import { recordEvent, type Actor } from '../store/events-repo'
import type { Clock } from '../util/clock'
import { readCapped } from '../util/read-capped'
import type { UpdateDecision } from './decide'
import { feedFileName, MAX_FEED_BYTES } from './feed-limits'

/**
 * Where releases are published (electron-builder.yml `publish`, generic provider: GitHub's "latest
 * release" download URL serves latest.yml and the installers). A test pins the two together.
 */
export const UPDATE_FEED_URL = 'https://github.com/certdesk/certdesk/releases/latest/download'
/** The whole check, redirects included. */
export const UPDATE_CHECK_TIMEOUT_MS = 30_000
/** GitHub answers the "latest" URL with one redirect to the file; a few more leave room for a CDN. */
export const MAX_UPDATE_REDIRECTS = 5

export interface UpdateServiceOptions {
  db: Db
  clock: Clock
  logger: Logger
  settings: SettingsService
  /** The feed folder; UPDATE_FEED_URL by default (tests serve one on loopback). */
  feedUrl?: string
  /** Electron's net.fetch in the app; undici with the environment proxy elsewhere. */
  fetch?: FetchLike
  platform?: NodeJS.Platform
  osRelease?: string
  desktop?: DesktopHooks
}

export interface UpdateCheck extends UpdateDecision {
  checkedAt: string
  /** The desktop app can download and install it; elsewhere the user downloads it from the homepage. */
  canInstall: boolean
}

const envProxyFetch = (): FetchLike => {
  let dispatcher: Dispatcher | null = null
  return async (url, init) => {
    const undici = await loadUndici()
    dispatcher ??= new undici.EnvHttpProxyAgent()
    return undici.fetch(url, { ...init, dispatcher })
  }
}

/** Only https, or http on loopback (a test feed); never credentials in the URL. */
function checkedUrl(raw: string, base?: string): URL {
  let u: URL
  try {
    u = base ? new URL(raw, base) : new URL(raw)
  } catch {
    throw new CoreError('invalid_input', `The update address "${raw.slice(0, 200)}" is not a URL.`)
  }
  if (u.username || u.password || !(u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname)))) {
    throw new CoreError('invalid_input', `The update address ${u.origin} must use https:// without a user name or password.`)
  }
  return u
}

/** The update check the user controls: "check now" in Settings, or on start when turned on. */
export class UpdateService {
  readonly #o: UpdateServiceOptions
  #fetchImpl: FetchLike | null

  constructor(opts: UpdateServiceOptions) {
    this.#o = opts
    this.#fetchImpl = opts.fetch ?? null
  }

  /** Made on the first check: most runs (every CLI command) never check for updates. */
  get #fetch(): FetchLike {
    return (this.#fetchImpl ??= envProxyFetch())
  }

  get canInstall(): boolean {
    return this.#o.desktop?.updateInstaller !== undefined
  }

  async check(currentVersion: string, actor: Actor): Promise<UpdateCheck> {
    const { clock, settings } = this.#o
    const where = `${(this.#o.feedUrl ?? UPDATE_FEED_URL).replace(/\/+$/, '')}/${feedFileName(this.#o.platform ?? process.platform)}`
    const text = await this.#download(where)
    // Loaded on the first check only (js-yaml, semver), so starting the CLI does not pay for them.
    const [{ parseUpdateFeed }, { decideUpdate }] = await Promise.all([import('./feed'), import('./decide')])
    const feed = parseUpdateFeed(text, where)
    const policy = settings.updates()
    const decision = decideUpdate(currentVersion, feed, {
      allowPrerelease: policy.allowPrerelease,
      skippedVersion: policy.skippedVersion,
      rolloutBucket: policy.rolloutBucket ?? 0,
      osRelease: this.#o.osRelease ?? release(),
    })
    const now = clock.now()
    settings.markUpdateChecked(now)
    this.#o.logger.info('update check', { status: decision.status, latest: decision.latestVersion, actor })
    return { ...decision, checkedAt: now.toISOString(), canInstall: this.canInstall && decision.status === 'available' }
  }

  /** Checks again, and hands an offered version to the desktop app's installer (electron-updater). */
  async install(version: string, currentVersion: string, actor: Actor): Promise<UpdateCheck> {
    const installer = this.#o.desktop?.updateInstaller
    if (!installer) throw new CoreError('invalid_input', 'Updates are installed by the desktop app. Here, download the new version from the CertDesk homepage.')
    const check = await this.check(currentVersion, actor)
    if (check.status !== 'available' || check.latestVersion !== version) {
      throw new CoreError('conflict', `CertDesk ${version} is not the version on offer now (${check.message}) Check again.`)
    }
    recordEvent(this.#o.db, this.#o.clock, { actor, action: 'update.install', subjectType: 'app', detail: { from: check.currentVersion, to: version } })
    await installer.downloadAndInstall(version)
    return check
  }

  async #download(where: string): Promise<string> {
    const signal = AbortSignal.timeout(UPDATE_CHECK_TIMEOUT_MS)
    let url = checkedUrl(where)
    for (let hop = 0; ; hop++) {
      let res: FetchResponseLike
      try {
        res = await this.#fetch(url.href, { method: 'GET', headers: { accept: 'application/x-yaml, text/yaml, text/plain, */*' }, signal, redirect: 'manual' })
      } catch (e) {
        const why = signal.aborted ? `no answer within ${UPDATE_CHECK_TIMEOUT_MS / 1000} s` : e instanceof Error ? e.message : String(e)
        throw new CoreError('network', `Could not reach the update server ${url.host} (${why}). Check the internet connection and try again.`, { retryable: true })
      }
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location')
        await res.body?.cancel?.().catch(() => undefined)
        if (!location || hop >= MAX_UPDATE_REDIRECTS) throw new CoreError('network', `The update server ${url.host} redirected too often or nowhere.`, { retryable: true })
        url = checkedUrl(location, url.href)
        continue
      }
      if (res.status === 404) throw new CoreError('not_found', `No update feed at ${url.origin}${url.pathname}: no release is published there yet.`)
      if (res.status < 200 || res.status > 299) throw new CoreError('network', `The update server ${url.host} answered HTTP ${res.status}. Try again later.`, { retryable: true })
      try {
        return await readText(res, url)
      } catch (e) {
        if (e instanceof CoreError) throw e
        throw new CoreError('network', `The connection to the update server ${url.host} broke (${e instanceof Error ? e.message : String(e)}). Try again.`, { retryable: true })
      }
    }
  }
}

async function readText(res: FetchResponseLike, url: URL): Promise<string> {
  const tooLarge = (): CoreError => new CoreError('invalid_input', `The update feed at ${url.host} is larger than ${MAX_FEED_BYTES / 1024} KiB; it is not an update feed.`)
  if (Number(res.headers.get('content-length') ?? '0') > MAX_FEED_BYTES) {
    await res.body?.cancel?.().catch(() => undefined)
    throw tooLarge()
  }
  return Buffer.from(await readCapped(res.body, MAX_FEED_BYTES, tooLarge)).toString('utf8')
}
