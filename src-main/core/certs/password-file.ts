import { CoreError } from '../errors'
import { readRegularFile } from '../util/read-regular-file'

/** A password file is a few bytes; anything larger is the wrong file. */
export const MAX_PASSWORD_FILE_BYTES = 4 * 1024

/**
 * Reads a password for `--password-file F`: UTF-8, one trailing newline (LF or CRLF) removed, nothing
 * else trimmed (spaces can be part of a password). Empty is refused.
 */
export async function readPasswordFile(path: string): Promise<string> {
  return passwordFromBytes(await readRegularFile(path, MAX_PASSWORD_FILE_BYTES), path)
}

/** The same rules for a password read from standard input or any other byte source. */
export function passwordFromBytes(bytes: Uint8Array, source: string): string {
  if (bytes.byteLength > MAX_PASSWORD_FILE_BYTES) throw new CoreError('too_large', `${source} is larger than ${MAX_PASSWORD_FILE_BYTES} bytes; that is not a password.`)
  const text = Buffer.from(bytes).toString('utf8').replace(/\r?\n$/, '')
  if (text.includes('\uFFFD')) throw new CoreError('invalid_input', `${source} is not UTF-8 text.`)
  if (text === '') throw new CoreError('invalid_input', `${source} is empty; put the password on its first line.`)
  if (/[\r\n]/.test(text)) throw new CoreError('invalid_input', `${source} has more than one line; put only the password in it.`)
  return text
}
