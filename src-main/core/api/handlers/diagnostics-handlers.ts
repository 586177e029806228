import { gatherDoctorReport } from '../../diagnostics/doctor'
import type { Handlers } from '../dispatch'

export const diagnosticsHandlers: Pick<Handlers, 'app.doctor'> = {
  'app.doctor': (_input, ctx) =>
    gatherDoctorReport({
      version: ctx.version,
      frontDoor: ctx.frontDoor,
      dataDir: ctx.core.dataDir,
      sqlite: { path: ctx.core.sqlite.path, fix: '' },
      core: ctx.core,
      credentials: ctx.core.credentials,
      proxy: ctx.core.network.proxy,
    }),
}
