import { isPrintableAscii } from './export-plan'
import { Icon } from './icons'

interface PasswordPair {
  password: string
  confirm: string
}

/**
 * A password and its confirmation, side by side. Export passwords cannot be shown again or
 * recovered, so a typo would make the file useless: the second field catches it. Non-ASCII
 * characters get a warning, because Java refuses such PKCS#12 passwords.
 */
export function ExportPasswordFields({
  idBase,
  value: { password, confirm },
  update,
  hint,
  warnNonAscii,
}: {
  idBase: string
  value: PasswordPair
  update: (patch: Partial<PasswordPair>) => void
  hint: string
  warnNonAscii: boolean
}) {
  const mismatch = confirm !== '' && confirm !== password
  const nonAscii = warnNonAscii && password !== '' && !isPrintableAscii(password)
  return (
    <div className="password-pair">
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${idBase}-password`}>Password</label>
          <input
            id={`${idBase}-password`}
            type="password"
            value={password}
            autoComplete="new-password"
            aria-describedby={`${idBase}-password-hint`}
            onChange={(e) => update({ password: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idBase}-confirm`}>Repeat password</label>
          <input
            id={`${idBase}-confirm`}
            type="password"
            value={confirm}
            autoComplete="new-password"
            aria-invalid={mismatch || undefined}
            aria-describedby={mismatch ? `${idBase}-mismatch` : undefined}
            onChange={(e) => update({ confirm: e.target.value })}
          />
        </div>
      </div>
      {mismatch ? (
        <p className="field-error" id={`${idBase}-mismatch`}>
          The two passwords differ.
        </p>
      ) : null}
      {nonAscii ? (
        <p className="inline-warning" role="note">
          <Icon name="alert" className="inline-icon" />
          This password has non-ASCII characters. OpenSSL, Windows and macOS accept it, but Java (keytool,
          Tomcat) refuses it. Use plain ASCII if the file may go to a Java server.
        </p>
      ) : null}
      <p className="field-hint" id={`${idBase}-password-hint`}>
        {hint}
      </p>
    </div>
  )
}
