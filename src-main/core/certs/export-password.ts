import { CoreError } from '../errors'

/**
 * The shortest export password CertDesk accepts without an explicit override: the same floor as vault
 * and backup passphrases (MIN_PASSPHRASE_LENGTH). A PKCS#12 or an encrypted key travels by mail, USB
 * stick and ticket attachment and is attacked offline, where only the password's length and the KDF
 * stand in the way; NIST SP 800-63B asks at least 8 characters for any memorised secret. A literal,
 * not an expression, so the renderer's copy can be typed `typeof MIN_EXPORT_PASSWORD_LENGTH`.
 */
export const MIN_EXPORT_PASSWORD_LENGTH = 10

/**
 * Refuses an export password shorter than MIN_EXPORT_PASSWORD_LENGTH unless the caller says the
 * file is for a lab (`allowShort`). An absent or empty password is the format's business (pfx needs
 * one; key and bundle then need the unencrypted confirmation).
 */
export function checkExportPasswordLength(password: string | undefined, allowShort: boolean | undefined): void {
  if (password === undefined || password === '' || allowShort === true) return
  if ([...password].length < MIN_EXPORT_PASSWORD_LENGTH) {
    throw new CoreError(
      'invalid_input',
      `The export password must be at least ${MIN_EXPORT_PASSWORD_LENGTH} characters: the file can be attacked offline wherever it ends up, and a few words make a password that is long and easy to type. For a test lab, a shorter one is accepted with --allow-short-password (CLI).`,
      { detail: { reason: 'password_too_short' } },
    )
  }
}
