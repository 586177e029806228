/**
 * The installed app's command line. A packaged CertDesk has the RunAsNode fuse off (E8), so its binary
 * never runs as plain Node and `node out/main/cli.js` is not available to an admin; instead the
 * binary itself runs the CLI when `--cli` is among its arguments, handled here before the
 * single-instance lock and without any window. Launchers beside the app (resources/cli/) add the flag:
 * `certdesk certs expiring` from cron runs `<app binary> --cli certs expiring`.
 */
import { app } from 'electron'
import { join } from 'node:path'
import type { Logger } from '../core/log/logger'
import { sqliteBinding } from '../core/store/sqlite-binding'
import { processIo } from '../cli/process-io'
import { runCli } from '../cli/run'
import { isolatedImportParser, PARSE_WORKER_FILE } from '../parse-worker/parse-in-child'
import { utilityImportParser } from './parse-host'

export const CLI_FLAG = '--cli'

/**
 * The CLI's arguments when this start is the command line, else null. Electron's own argv starts
 * with the binary (packaged) or the binary and the app folder (development); Chromium switches a
 * launcher puts first (`--ozone-platform=headless`) belong to Chromium. Everything after `--cli` is
 * the CLI's, even what looks like a Chromium switch.
 */
export function cliModeArgs(argv: readonly string[], packaged: boolean): string[] | null {
  const user = argv.slice(packaged ? 1 : 2)
  for (let i = 0; i < user.length; i++) {
    const a = user[i] ?? ''
    if (a === CLI_FLAG) return user.slice(i + 1)
    if (!a.startsWith('--')) return null
  }
  return null
}

/** Runs one CLI invocation in this Electron main process and exits with its code; nothing else starts. */
export async function runCliMode(args: string[], version: string): Promise<void> {
  app.dock?.hide()
  // utilityProcess (the file reader of `import`) needs ready; no window is ever created.
  await app.whenReady()
  const code = await runCli(
    args,
    processIo(),
    version,
    {
      sqlite: sqliteBinding({ packaged: app.isPackaged }),
      // Import files are read in a utility process per file, as in the app (I2).
      importParser: (logger: Logger) => isolatedImportParser(join(__dirname, PARSE_WORKER_FILE), (workerPath) => utilityImportParser(workerPath), logger, { allowInProcess: !app.isPackaged }),
    },
  ).catch((e: unknown) => {
    process.stderr.write(`certdesk: ${e instanceof Error ? e.message : String(e)}\n`)
    return 1
  })
  // A pipe (cron, `| grep`) gets everything before the process ends.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()))
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()))
  app.exit(code)
}
