import { clearReport, formatReport, REPORT_ENV } from './report'

/** `npm run fuzz`: starts each run with an empty report and prints the table at the end. */
export function setup(): () => void {
  const file = process.env[REPORT_ENV]
  if (!file) throw new Error(`${REPORT_ENV} is not set; run the fuzz suite with npm run fuzz.`)
  clearReport(file)
  return () => {
    process.stdout.write(formatReport(file))
    clearReport(file)
  }
}
