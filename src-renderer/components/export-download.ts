import { base64ToBytes } from './cert-format'

/** Saves bytes from core (base64) through the browser's download (the desktop app shows a save dialog). */
export function downloadBase64(fileName: string, base64: string, mediaType: string): void {
  const url = URL.createObjectURL(new Blob([base64ToBytes(base64)], { type: mediaType }))
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
