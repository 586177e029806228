import { base64ToBytes } from './cert-format'

/** Saves a blob through the browser's download (the desktop app shows a save dialog). */
function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Revoke after the click has been handled; the download keeps its own reference.
  window.setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** Saves text as a file. */
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  saveBlob(fileName, new Blob([text], { type }))
}

/** Saves bytes from core (base64) as a file. */
export function downloadBase64(fileName: string, base64: string, mediaType: string): void {
  saveBlob(fileName, new Blob([base64ToBytes(base64)], { type: mediaType }))
}
