import { useId } from 'react'
import { plural } from './cert-format'
import { ExportPasswordFields } from './export-password-fields'
import {
  FORMATS,
  formatInfo,
  type ChainShape,
  type FormatState,
  type Pkcs12Profile,
  type PresetsInfo,
} from './export-plan'
import { IncludeRootCheck } from './include-root-check'
import { KeyProtectionSection } from './key-protection-section'
import { OptionRow } from './option-row'

type Update = (patch: Partial<FormatState>) => void

/** Said once "Write the key unencrypted" is chosen for a key file. */
const UNENCRYPTED_TITLE = 'Anyone who can read this file can impersonate your server'
const UNENCRYPTED_TEXT =
  'The file is written with mode 0600 (only you can read it). Copy it straight to the server, keep it readable only by the server’s user, and delete the exported copy afterwards.'

/** The first word of a profile label: "Modern (AES-256…)" → "Modern". */
export function profileName(label: string): string {
  return label.split(' (')[0] ?? label
}

/** The algorithms part of a profile label: "Modern (AES-256…)" → "AES-256…". */
function profileAlgorithms(label: string): string {
  const m = /\((.*)\)$/.exec(label)
  return m?.[1] ?? ''
}

export function ProfilePicker({
  value,
  onChange,
  profiles,
  disabled,
}: {
  value: Pkcs12Profile
  onChange: (p: Pkcs12Profile) => void
  profiles: PresetsInfo['profiles'] | undefined
  disabled?: boolean
}) {
  const ids = useId()
  const order: Pkcs12Profile[] = ['modern', 'compatible']
  return (
    <fieldset className="plain-fieldset" disabled={disabled}>
      <legend className="field-label">PKCS#12 profile: who must open the file?</legend>
      <div className="profile-cards">
        {order.map((p) => {
          const info = profiles?.[p]
          const name = info ? profileName(info.label) : p
          return (
            <label key={p} className={`choice-card${value === p ? ' is-selected' : ''}`}>
              <input
                type="radio"
                name={`${ids}-profile`}
                value={p}
                checked={value === p}
                aria-labelledby={`${ids}-${p}-title`}
                aria-describedby={`${ids}-${p}-text`}
                onChange={() => onChange(p)}
              />
              <span className="choice-card-title" id={`${ids}-${p}-title`}>
                {name}
              </span>
              <span className="choice-card-text" id={`${ids}-${p}-text`}>
                <span className="profile-algorithms">{info ? profileAlgorithms(info.label) : ''}</span>
                <span>Opens on: {info?.opensOn ?? '…'}</span>
              </span>
            </label>
          )
        })}
      </div>
    </fieldset>
  )
}

/**
 * The "File format" side of the export dialog: the format list on the left, and on the right only
 * the options that apply to the chosen format, with the ones that do not apply shown disabled and
 * saying why. The two groups of formats sit side by side and a key file's protection comes before
 * its chain options, so the formats with the key and their password fit a 1280×657 window unscrolled.
 */
export function ExportFormatFields({
  state,
  update,
  shape,
  hasKey,
  profiles,
  disabled,
}: {
  state: FormatState
  update: Update
  shape: ChainShape
  hasKey: boolean
  profiles: PresetsInfo['profiles'] | undefined
  disabled: boolean
}) {
  const ids = useId()
  const f = formatInfo(state.format)
  const isKeyFile = state.format === 'key' || state.format === 'bundle'
  const profile = profiles?.[state.profile]
  return (
    <div className="export-grid export-grid-formats">
      <fieldset className="export-choices export-choices-grouped" disabled={disabled}>
        <legend className="visually-hidden">Format</legend>
        <div className="option-group">
          <p className="option-group-title">Certificates only</p>
          {FORMATS.filter((x) => x.group === 'public').map((x) => (
            <OptionRow
              key={x.id}
              name="export-format"
              value={x.id}
              title={x.title}
              text={x.text}
              selected={state.format === x.id}
              onSelect={() => update({ format: x.id })}
            />
          ))}
        </div>
        <div className="option-group">
          <p className="option-group-title">With the private key</p>
          {FORMATS.filter((x) => x.group === 'key').map((x) => (
            <OptionRow
              key={x.id}
              name="export-format"
              value={x.id}
              title={x.title}
              text={hasKey ? x.text : 'Needs the private key, which CertDesk does not have.'}
              selected={state.format === x.id}
              disabled={!hasKey}
              onSelect={() => update({ format: x.id })}
            />
          ))}
        </div>
      </fieldset>

      <div className="export-options">
        {state.format === 'pfx' ? (
          <fieldset className="option-section" disabled={disabled}>
            <legend className="option-section-title">Protection</legend>
            <ProfilePicker value={state.profile} onChange={(p) => update({ profile: p })} profiles={profiles} />
            <ExportPasswordFields
              idBase={`${ids}-pfx`}
              value={state}
              update={update}
              hint="The person installing the file needs this password. CertDesk does not store it."
              warnNonAscii
            />
            <details className="advanced">
              <summary>Advanced</summary>
              <div className="field-row">
                <div className="field">
                  <label htmlFor={`${ids}-iterations`}>KDF iterations</label>
                  <input
                    id={`${ids}-iterations`}
                    type="number"
                    inputMode="numeric"
                    value={state.iterations}
                    min={profile?.minIterations}
                    max={profile?.maxIterations}
                    placeholder={profile ? profile.defaultIterations.toLocaleString('en-US') : ''}
                    aria-describedby={`${ids}-iterations-hint`}
                    onChange={(e) => update({ iterations: e.target.value })}
                  />
                  <p className="field-hint" id={`${ids}-iterations-hint`}>
                    {profile
                      ? `Default ${profile.defaultIterations.toLocaleString('en-US')}; ${profile.minIterations.toLocaleString('en-US')} to ${profile.maxIterations.toLocaleString('en-US')}. More is slower to open everywhere.`
                      : ''}
                  </p>
                </div>
                <div className="field">
                  <label htmlFor={`${ids}-friendly`}>Friendly name (alias)</label>
                  <input
                    id={`${ids}-friendly`}
                    type="text"
                    value={state.friendlyName}
                    maxLength={64}
                    placeholder="The common name"
                    autoComplete="off"
                    onChange={(e) => update({ friendlyName: e.target.value })}
                  />
                  <p className="field-hint">Shown by Windows, macOS and keytool.</p>
                </div>
              </div>
            </details>
          </fieldset>
        ) : null}

        {isKeyFile ? (
          <KeyProtectionSection
            idBase={`${ids}-key`}
            value={state}
            update={update}
            disabled={disabled}
            passwordHint="Encrypted PKCS#8 (AES-256). The server asks for this password when it starts."
            warningTitle={UNENCRYPTED_TITLE}
            warning={UNENCRYPTED_TEXT}
          />
        ) : null}
        <fieldset className="option-section" disabled={disabled || f.leafOnly}>
          <legend className="option-section-title">Chain</legend>
          {f.leafOnly ? (
            <p className="field-hint">
              {state.format === 'key'
                ? 'A key file holds the key alone: there is no chain to include.'
                : 'This format holds the certificate alone. For the chain, choose full chain, PKCS#7 or PKCS#12.'}
            </p>
          ) : null}
          {f.optionalChain ? (
            <label className="check-line">
              <input
                type="checkbox"
                checked={state.includeChain}
                onChange={(e) => update({ includeChain: e.target.checked })}
              />
              Include the intermediates
              {shape.intermediates ? <span className="muted">({plural(shape.intermediates, 'certificate')})</span> : null}
            </label>
          ) : null}
          <IncludeRootCheck
            checked={state.includeRoot && !f.leafOnly}
            rootKnown={shape.rootKnown}
            onChange={(v) => update({ includeRoot: v })}
            knownHint="Servers should not send the root (clients already have it); some appliances and Java trust stores want it."
            unknownHint="The root of this chain is not known to CertDesk or this system: import it to include it."
          />
          <div className="field field-inline">
            <label htmlFor={`${ids}-order`}>Order</label>
            <select
              id={`${ids}-order`}
              value={f.leafOnly ? 'leaf-first' : state.chainOrder}
              onChange={(e) => update({ chainOrder: e.target.value === 'root-first' ? 'root-first' : 'leaf-first' })}
            >
              <option value="leaf-first">Certificate first, root last (servers)</option>
              <option value="root-first">Root first, certificate last</option>
            </select>
          </div>
        </fieldset>
        {state.format === 'p7b' ? (
          <fieldset className="option-section" disabled={disabled}>
            <legend className="option-section-title">Encoding</legend>
            <div className="segmented-inline">
              {(['pem', 'der'] as const).map((enc) => (
                <label key={enc} className="check-line">
                  <input
                    type="radio"
                    name={`${ids}-encoding`}
                    value={enc}
                    checked={state.encoding === enc}
                    onChange={() => update({ encoding: enc })}
                  />
                  {enc === 'pem' ? 'PEM (text, -----BEGIN PKCS7-----)' : 'DER (binary)'}
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
      </div>
    </div>
  )
}
