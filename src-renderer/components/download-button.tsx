import { downloadText } from './download'
import { Icon } from './icons'

export function DownloadButton({
  fileName,
  text,
  label,
  type,
}: {
  fileName: string
  text: string
  label: string
  type?: string
}) {
  return (
    <button
      type="button"
      className="button button-ghost button-small"
      onClick={() => downloadText(fileName, text, type)}
    >
      <Icon name="download" />
      <span>{label}</span>
    </button>
  )
}
