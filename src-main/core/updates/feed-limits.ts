/** A feed is a few hundred bytes; anything near this is not one. */
export const MAX_FEED_BYTES = 64 * 1024

/** The feed file electron-builder publishes for a platform (electron-updater's names). */
export function feedFileName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'latest-mac.yml'
  if (platform === 'linux') return 'latest-linux.yml'
  return 'latest.yml'
}
