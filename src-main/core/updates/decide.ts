import { coerce, gt, gte, prerelease, valid } from 'semver'
import { CoreError } from '../errors'
import type { UpdateFeed } from './feed'

/** The verdict shown in Settings after a check. */
export type UpdateStatus = 'up_to_date' | 'available' | 'skipped' | 'not_allowed'

export interface UpdateDecision {
  status: UpdateStatus
  currentVersion: string
  /** The feed's version (also when it is not offered). */
  latestVersion: string
  /** Why a newer version is not offered. */
  reason: 'prerelease' | 'staged' | 'system_too_old' | null
  /** One sentence for the user. */
  message: string
  releaseName: string | null
  releaseNotes: string | null
  releaseDate: string | null
}

export interface UpdatePolicy {
  allowPrerelease: boolean
  skippedVersion: string | null
  /** This installation's fixed number in 0..99 (staged rollouts). */
  rolloutBucket: number
  /** os.release() of this computer (electron-updater compares minimumSystemVersion with it). */
  osRelease: string
}

/**
 * Is there a newer version, may this installation have it, and what is the user told. Plain code, so
 * it is tested against feeds on loopback; only downloading and installing needs Electron. The rules are
 * electron-updater's: semver order, prereleases only when allowed, a staged rollout offers the version
 * to `stagingPercentage` % of installations, minimumSystemVersion against os.release().
 */
export function decideUpdate(currentVersion: string, feed: UpdateFeed, policy: UpdatePolicy): UpdateDecision {
  const current = valid(currentVersion)
  if (!current) throw new CoreError('internal', `CertDesk's own version "${currentVersion}" is not a semantic version.`)
  const latest = valid(feed.version)
  if (!latest) throw new CoreError('invalid_input', `The update feed names version "${feed.version.slice(0, 64)}", which is not a semantic version; the feed is broken.`)
  const base = { currentVersion: current, latestVersion: latest, releaseName: feed.releaseName, releaseNotes: feed.releaseNotes, releaseDate: feed.releaseDate }
  if (!gt(latest, current)) return { ...base, status: 'up_to_date', reason: null, message: `CertDesk ${current} is up to date.` }
  if (prerelease(latest) && !policy.allowPrerelease) {
    return { ...base, status: 'not_allowed', reason: 'prerelease', message: `CertDesk ${latest} is a test version; turn on test versions in Settings to be offered it. ${current} is the newest release.` }
  }
  if (policy.skippedVersion === latest) return { ...base, status: 'skipped', reason: null, message: `CertDesk ${latest} is available; you chose to skip it. A newer version will be offered again.` }
  if (feed.stagingPercentage !== null && policy.rolloutBucket >= feed.stagingPercentage) {
    return { ...base, status: 'not_allowed', reason: 'staged', message: `CertDesk ${latest} is being rolled out gradually (${feed.stagingPercentage}% so far); this installation is offered it later.` }
  }
  if (feed.minimumSystemVersion !== null) {
    const need = coerce(feed.minimumSystemVersion)
    const have = coerce(policy.osRelease)
    if (need && have && !gte(have, need)) {
      return { ...base, status: 'not_allowed', reason: 'system_too_old', message: `CertDesk ${latest} needs a newer operating system (version ${feed.minimumSystemVersion} or later; this one is ${policy.osRelease}). Keep using ${current}.` }
    }
  }
  return { ...base, status: 'available', reason: null, message: `CertDesk ${latest} is available (you have ${current}).` }
}
