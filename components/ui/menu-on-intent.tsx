"use client";

import {
  type ButtonHTMLAttributes,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
  cloneElement,
  useState,
} from "react";

interface MenuOnIntentProps<Menu> {
  /** The button that opens the menu: shown by itself until the menu is first asked for. */
  trigger: ReactElement<ButtonHTMLAttributes<HTMLButtonElement>>;
  /** Imports the menu's component; called on hover and focus too, so a press rarely waits. */
  load: () => Promise<Menu>;
  /** The whole menu around `trigger`, open, once its component has loaded. */
  menu: (Menu: Menu, trigger: ReactElement) => ReactNode;
}

/**
 * A dropdown whose code (Radix's menu, popper and focus management, about 25 kB) loads on first
 * intent instead of with the page. For menus shown many times or on every page and seldom
 * opened; the button is the same before and after, so nothing moves when the code arrives.
 */
export function MenuOnIntent<Menu>({ trigger, load, menu }: MenuOnIntentProps<Menu>) {
  // In a box: a component is a function, which useState would call as an updater.
  const [loaded, setLoaded] = useState<{ Menu: Menu } | null>(null);
  if (loaded) return menu(loaded.Menu, trigger);
  const ask = () => void load().then((Menu) => setLoaded({ Menu }));
  return cloneElement(trigger, {
    "aria-haspopup": "menu",
    "aria-expanded": false,
    // The module cache keeps one fetch: preloading twice costs nothing.
    onPointerEnter: () => void load(),
    onFocus: () => void load(),
    onClick: ask,
    onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => {
      // Radix opens a menu on ArrowDown as well as on Enter and Space (which press the button).
      if (event.key !== "ArrowDown") return;
      event.preventDefault();
      ask();
    },
  });
}
