import { parseArgs } from 'node:util'
import type { DoctorReport } from '../../core/diagnostics/doctor'
import { formatDoctor } from '../../core/diagnostics/doctor-text'
import { KeychainCredentialStore } from '../../core/secrets/keychain-store'
import { proxyFromEnv } from '../../core/sectigo/proxy'
import { call, printJson, type CliContext } from '../io'

/**
 * `certdesk doctor [--json]`: the installation's diagnostics for a support request. It reports even
 * when the database cannot open (that is what it is for), and exits 1 when something CertDesk needs
 * is broken: the SQLite engine, the database, or a required crypto primitive.
 */
export async function doctorCommand(ctx: CliContext, args: string[]): Promise<number> {
  parseArgs({ args, options: {}, strict: true })
  let report: DoctorReport
  try {
    report = await call(ctx, 'app.doctor', {})
  } catch (coreError) {
    const { gatherDoctorReport } = await import('../../core/diagnostics/doctor')
    report = await gatherDoctorReport({
      version: ctx.version,
      frontDoor: 'cli',
      dataDir: ctx.dataDir,
      sqlite: ctx.sqlite,
      core: null,
      coreError,
      credentials: new KeychainCredentialStore(),
      proxy: proxyFromEnv(ctx.io.env),
    })
  }
  if (ctx.json) printJson(ctx, report)
  else ctx.io.stdout(formatDoctor(report))
  const broken = !report.sqlite.ok || !report.database.ok || report.crypto.some((c) => c.required && !c.ok)
  return broken ? 1 : 0
}
