import type { BoardData } from "@/lib/groups/board";
import type { MembershipChange } from "@/lib/memberships/schemas";

// Pure functions over the board's data: the optimistic view of a change before the server
// confirms it, and the names used in toasts and announcements.

export type BoardOperation =
  | {
      kind: "move";
      memberIds: string[];
      fromGroupId: string;
      toGroupId: string;
      keepOutOfRules?: boolean;
    }
  | { kind: "add"; memberIds: string[]; groupIds: string[] }
  | { kind: "remove"; memberIds: string[]; groupIds: string[]; keepOutOfRules?: boolean };

export function applyOperation(data: BoardData, op: BoardOperation): BoardData {
  const removeFrom = new Set(
    op.kind === "move" ? [op.fromGroupId] : op.kind === "remove" ? op.groupIds : [],
  );
  const addTo = new Set(op.kind === "move" ? [op.toGroupId] : op.kind === "add" ? op.groupIds : []);
  const moving = new Set(op.memberIds);
  const order = new Map(data.members.map((m, i) => [m.id, i]));
  return {
    ...data,
    groups: data.groups.map((g) => {
      if (op.kind === "move" && removeFrom.has(g.id)) {
        // Members already in the target stay in the source: the server does the same.
        const target = data.groups.find((t) => t.id === op.toGroupId);
        const staying = new Set(target?.memberIds.filter((id) => moving.has(id)));
        return { ...g, memberIds: g.memberIds.filter((id) => !moving.has(id) || staying.has(id)) };
      }
      if (removeFrom.has(g.id))
        return { ...g, memberIds: g.memberIds.filter((id) => !moving.has(id)) };
      if (addTo.has(g.id)) {
        const ids = new Set([...g.memberIds, ...op.memberIds]);
        return {
          ...g,
          memberIds: [...ids].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
        };
      }
      return g;
    }),
  };
}

/** The board after undoing a change: what it added goes, what it removed comes back. */
export function applyReverted(data: BoardData, change: MembershipChange): BoardData {
  let next = data;
  for (const { groupId, memberId } of change.added)
    next = applyOperation(next, { kind: "remove", memberIds: [memberId], groupIds: [groupId] });
  for (const { groupId, memberId } of change.removed)
    next = applyOperation(next, { kind: "add", memberIds: [memberId], groupIds: [groupId] });
  return next;
}

export function describeMembers(data: BoardData, memberIds: string[]): string {
  const names = memberIds.map((id) => data.members.find((m) => m.id === id)?.name ?? "Someone");
  if (names.length === 1) return names[0]!;
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names.length} members`;
}

export function groupName(data: BoardData, groupId: string): string {
  return data.groups.find((g) => g.id === groupId)?.name ?? "the group";
}
