import type { Evidence, LiveKey } from "./evidence";

// Least privilege: who is in a group for the keys it grants and has used none of them for 30
// days, and which keys are given to groups whose people have not used them.

export interface RemoveIdleMember {
  kind: "remove_idle_member";
  subject: string;
  group: { id: string; name: string };
  member: { id: string; name: string; email: string };
  /** The keys the group grants (its own and its parents'). */
  keys: { id: string; name: string }[];
  memberSince: string;
}

export interface UnassignIdleKey {
  kind: "unassign_idle_key";
  subject: string;
  key: { id: string; name: string };
  group: { id: string; name: string };
  /** The group's people, its subgroups' included. */
  people: number;
  assignedSince: string;
}

const named = (k: LiveKey) => ({ id: k.id, name: k.name });

export function idleAccess(evidence: Evidence): (RemoveIdleMember | UnassignIdleKey)[] {
  const used = (memberId: string, keyId: string) =>
    evidence.use.byKey.get(keyId)?.has(memberId) ?? false;
  const granted = evidence.grants;
  const usesAny = (memberId: string, keys: LiveKey[]) => keys.some((k) => used(memberId, k.id));
  const direct = evidence.memberships.filter((m) => granted.has(m.groupId));
  // A group whose keys someone in it uses: where one person's idle access stands out. A group
  // whose keys nobody uses is advised about the keys instead.
  const inUse = new Set(
    direct.filter((m) => usesAny(m.memberId, granted.get(m.groupId)!)).map((m) => m.groupId),
  );
  const advice: (RemoveIdleMember | UnassignIdleKey)[] = [];
  for (const m of direct) {
    const person = evidence.people.get(m.memberId)!;
    const keys = granted.get(m.groupId)!;
    if (!person.active || !m.settled || !inUse.has(m.groupId) || usesAny(m.memberId, keys))
      continue;
    const group = evidence.groups.get(m.groupId)!;
    advice.push({
      kind: "remove_idle_member",
      subject: `${group.id}/${person.id}`,
      group: { id: group.id, name: group.name },
      member: { id: person.id, name: person.name, email: person.email },
      keys: keys.map(named).sort((a, b) => a.name.localeCompare(b.name)),
      memberSince: m.since,
    });
  }
  const people = evidence.peopleOf;
  for (const key of evidence.keys.values())
    for (const a of key.assignments) {
      const holders = [...(people.get(a.groupId) ?? [])];
      if (!a.settled || holders.some((memberId) => used(memberId, key.id))) continue;
      const group = evidence.groups.get(a.groupId)!;
      advice.push({
        kind: "unassign_idle_key",
        subject: `${key.id}/${group.id}`,
        key: named(key),
        group: { id: group.id, name: group.name },
        people: holders.length,
        assignedSince: a.since,
      });
    }
  return advice;
}
