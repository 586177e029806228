import { useLayoutEffect, type RefObject } from 'react'

/**
 * Opens a native <dialog> as a modal while the component is mounted, and on unmount closes it and
 * puts focus back on the element that had it when the dialog opened (the "Export…" or "Delete"
 * button), so a keyboard user carries on where they were. The browser's own restore does not help
 * here: React removes the <dialog> from the document before a passive effect could close it, and
 * focus then falls to <body>. A layout effect's cleanup runs while the node is still in place.
 */
export function useModalDialog(ref: RefObject<HTMLDialogElement | null>): void {
  useLayoutEffect(() => {
    const dialog = ref.current
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (dialog && !dialog.open) dialog.showModal()
    return () => {
      dialog?.close()
      if (opener?.isConnected) opener.focus()
    }
  }, [ref])
}
