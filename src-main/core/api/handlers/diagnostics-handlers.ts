import { gatherDoctorReport, type DoctorReport } from '../../diagnostics/doctor'
import type { ApiContext, Handlers } from '../dispatch'

/** The doctor report of this front door's core: `app.doctor`, and the one embedded by `app.diagnostics`. */
export function doctorReport(ctx: ApiContext): Promise<DoctorReport> {
  return gatherDoctorReport({
    version: ctx.version,
    frontDoor: ctx.frontDoor,
    dataDir: ctx.core.dataDir,
    sqlite: { path: ctx.core.sqlite.path, fix: '' },
    core: ctx.core,
    credentials: ctx.core.credentials,
    proxy: ctx.core.network.proxy,
  })
}

export const diagnosticsHandlers: Pick<Handlers, 'app.doctor'> = {
  'app.doctor': (_input, ctx) => doctorReport(ctx),
}
