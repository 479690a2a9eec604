"use client";

import {
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { ArrowDown, ArrowUp, GripVertical, X } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { CatalogueModel } from "@/lib/models/catalogue";

interface FallbackListProps {
  models: CatalogueModel[];
  // The models that may be added: the key's allowed models, or all when it allows all.
  selectable: string[];
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
}

/** The ordered list of models the gateway tries when the requested one fails. */
export function FallbackList({ models, selectable, value, onChange, error }: FallbackListProps) {
  const [adding, setAdding] = useState("");
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const nameOf = (id: string) => models.find((m) => m.id === id)?.displayName ?? id;
  const move = (from: number, to: number) => onChange(arrayMove(value, from, to));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (over && active.id !== over.id)
      move(value.indexOf(String(active.id)), value.indexOf(String(over.id)));
  };
  const addable = selectable.filter((id) => !value.includes(id));

  return (
    <fieldset>
      <legend className="text-sm font-medium">Fallback order</legend>
      <p className="mt-1 text-xs text-muted-foreground">
        When a model fails, the gateway tries these in order. Drag to reorder, or use the arrows.
      </p>
      <DndContext
        id="fallback-order"
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
      >
        <SortableContext items={value} strategy={verticalListSortingStrategy}>
          <ol aria-label="Fallback models" className="mt-3 flex flex-col gap-1.5">
            {value.map((id, index) => (
              <FallbackItem
                key={id}
                id={id}
                index={index}
                name={nameOf(id)}
                last={index === value.length - 1}
                onMove={move}
                onRemove={() => onChange(value.filter((m) => m !== id))}
              />
            ))}
            {!value.length && (
              <li className="rounded-md border border-dashed px-3 py-3 text-sm text-muted-foreground">
                No fallbacks: a failed request fails.
              </li>
            )}
          </ol>
        </SortableContext>
      </DndContext>
      <div className="mt-3 flex gap-2">
        <select
          aria-label="Fallback model to add"
          className="h-9 flex-1 rounded-md border border-input bg-card px-2 text-sm"
          value={adding}
          onChange={(e) => setAdding(e.target.value)}
        >
          <option value="">Choose a model…</option>
          {addable.map((id) => (
            <option key={id} value={id}>
              {nameOf(id)}
            </option>
          ))}
        </select>
        <Button
          type="button"
          variant="outline"
          disabled={!adding}
          onClick={() => {
            onChange([...value, adding]);
            setAdding("");
          }}
        >
          Add fallback
        </Button>
      </div>
      {error && <p className="mt-2 text-sm text-destructive">{error}</p>}
    </fieldset>
  );
}

interface FallbackItemProps {
  id: string;
  index: number;
  name: string;
  last: boolean;
  onMove: (from: number, to: number) => void;
  onRemove: () => void;
}

function FallbackItem({ id, index, name, last, onMove, onRemove }: FallbackItemProps) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id,
  });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      data-testid="fallback-item"
      className={`flex items-center gap-2 rounded-md border bg-card px-2 py-1.5 text-sm ${isDragging ? "relative z-10 shadow-md" : ""}`}
    >
      <button
        type="button"
        className="cursor-grab touch-none rounded p-1 text-muted-foreground hover:bg-accent"
        aria-label={`Drag ${name}`}
        {...attributes}
        {...listeners}
      >
        <GripVertical className="size-4" aria-hidden />
      </button>
      <span className="w-5 tabular-nums text-muted-foreground">{index + 1}.</span>
      <span className="flex-1">{name}</span>
      <Button
        type="button"
        variant="ghost"
        size="icon"
        className="size-7"
        aria-label={`Move ${name} up`}
        disabled={index === 0}
        onClick={() => onMove(index, index - 1)}
      >
        <ArrowUp aria-hidden />
      </Button>
      <Button
        type="button"
        variant="ghost"
        size="icon"
        className="size-7"
        aria-label={`Move ${name} down`}
        disabled={last}
        onClick={() => onMove(index, index + 1)}
      >
        <ArrowDown aria-hidden />
      </Button>
      <Button
        type="button"
        variant="ghost"
        size="icon"
        className="size-7"
        aria-label={`Remove ${name}`}
        onClick={onRemove}
      >
        <X aria-hidden />
      </Button>
    </li>
  );
}
