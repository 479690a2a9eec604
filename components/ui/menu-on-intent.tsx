"use client";

import {
  type ButtonHTMLAttributes,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
  Suspense,
  cloneElement,
  useState,
} from "react";

interface MenuOnIntentProps {
  /** The button that opens the menu: shown by itself until the menu is first asked for. */
  trigger: ReactElement<ButtonHTMLAttributes<HTMLButtonElement>>;
  /** Starts fetching the menu's code; called on hover and focus, so a press rarely waits. */
  preload: () => void;
  /** The whole menu around `trigger`, open: a lazy component, rendered from the first press. */
  menu: (trigger: ReactElement) => ReactNode;
}

/**
 * A dropdown whose code (Radix's menu, popper and focus management, about 25 kB) loads on first
 * intent instead of with the page. For menus on every page that are seldom opened, such as the
 * header's; the button is the same before and after, so nothing moves when the code arrives.
 */
export function MenuOnIntent({ trigger, preload, menu }: MenuOnIntentProps) {
  const [asked, setAsked] = useState(false);
  const standIn = cloneElement(trigger, {
    "aria-haspopup": "menu",
    "aria-expanded": false,
    onPointerEnter: preload,
    onFocus: preload,
    onClick: () => setAsked(true),
    onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => {
      // Radix opens a menu on ArrowDown as well as on Enter and Space (which press the button).
      if (event.key !== "ArrowDown") return;
      event.preventDefault();
      setAsked(true);
    },
  });
  if (!asked) return standIn;
  return <Suspense fallback={standIn}>{menu(trigger)}</Suspense>;
}
