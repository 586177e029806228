import { isPrintableAscii } from './export-plan'
import { Icon } from './icons'

interface PasswordPair {
  password: string
  confirm: string
}

/**
 * A password and its confirmation, side by side. Export passwords cannot be shown again or
 * recovered, so a typo would make the file useless: the second field catches it. Non-ASCII
 * characters get a warning, because Java refuses such PKCS#12 passwords. A backup's passphrase is
 * asked for the same way (`noun`); `problem` says what is wrong with the first field.
 */
export function ExportPasswordFields({
  idBase,
  value: { password, confirm },
  update,
  hint,
  warnNonAscii,
  noun = 'password',
  problem,
  showMismatch,
}: {
  idBase: string
  value: PasswordPair
  update: (patch: Partial<PasswordPair>) => void
  hint: string
  warnNonAscii: boolean
  noun?: 'password' | 'passphrase'
  problem?: string | null
  /** Also flag an empty confirmation (after a submit); by default only a typed one that differs. */
  showMismatch?: boolean
}) {
  const mismatch = (confirm !== '' || showMismatch === true) && confirm !== password
  const label = noun === 'password' ? 'Password' : 'Passphrase'
  const describedBy = [problem ? `${idBase}-problem` : null, `${idBase}-password-hint`]
    .filter(Boolean)
    .join(' ')
  const nonAscii = warnNonAscii && password !== '' && !isPrintableAscii(password)
  return (
    <div className="password-pair">
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${idBase}-password`}>{label}</label>
          <input
            id={`${idBase}-password`}
            type="password"
            value={password}
            autoComplete="new-password"
            aria-invalid={problem ? true : undefined}
            aria-describedby={describedBy}
            onChange={(e) => update({ password: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idBase}-confirm`}>Repeat {noun}</label>
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
      {problem ? (
        <p className="field-error" id={`${idBase}-problem`}>
          {problem}
        </p>
      ) : null}
      {mismatch ? (
        <p className="field-error" id={`${idBase}-mismatch`}>
          The two {noun}s differ.
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
