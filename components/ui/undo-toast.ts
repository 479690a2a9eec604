import { toast } from "sonner";

// A change's notification with Undo: long enough to read "Added 37 memberships" and decide, and
// paused while the pointer is over it or the keyboard is in it (sonner's default), where Undo is
// a button like any other (Alt+T brings focus to the notifications).
export const UNDO_TOAST_MS = 12_000;

export function toastWithUndo(message: string, undo: () => void) {
  // The trailing space keeps the live text from running into the button's ("….Undo").
  toast.success(`${message} `, {
    duration: UNDO_TOAST_MS,
    action: { label: "Undo", onClick: undo },
  });
}
