import { type KeyboardCoordinateGetter, KeyboardCode } from "@dnd-kit/core";

// Left and right arrows jump to the previous or next column (in reading order, the board
// wraps), up and down nudge within one, instead of dnd-kit's default of moving the card 25 pixels
// per press.
export const columnCoordinates: KeyboardCoordinateGetter = (
  event,
  { context, currentCoordinates },
) => {
  const { collisionRect, droppableRects, over } = context;
  if (!collisionRect) return undefined;
  // Columns in reading order: left to right, row by row (the board wraps).
  const columns = [...droppableRects.entries()].sort(([, a], [, b]) =>
    Math.abs(a.top - b.top) > 8 ? a.top - b.top : a.left - b.left,
  );
  const at = columns.findIndex(([id]) => id === over?.id);
  switch (event.code) {
    case KeyboardCode.Right:
    case KeyboardCode.Left: {
      event.preventDefault();
      const next = columns[at + (event.code === KeyboardCode.Right ? 1 : -1)]?.[1];
      if (!next) return currentCoordinates;
      return { x: next.left + (next.width - collisionRect.width) / 2, y: next.top + 44 };
    }
    case KeyboardCode.Down:
      event.preventDefault();
      return { ...currentCoordinates, y: currentCoordinates.y + 60 };
    case KeyboardCode.Up:
      event.preventDefault();
      return { ...currentCoordinates, y: currentCoordinates.y - 60 };
  }
  return undefined;
};
