import type { Evidence } from "./evidence";

// Usage-based group membership: someone whose requests go through a key that, apart from them,
// is used mostly by the people of one group they are not in. Either they borrow a key their
// groups no longer grant (a move that left a workflow behind), or they sit in a parent group
// (Engineering) and work like one of its teams (Backend). The group advised is the most specific
// that accounts for most of the key's other use.

/** The share of a key's other requests a group's people must make. */
export const FIT_SHARE = 0.6;
/** Fewer requests than this in 30 days say nothing about how someone works. */
export const MIN_REQUESTS = 5;
/** A pattern needs people: a group where one other person uses the key is no pattern. */
const MIN_USERS = 2;

export interface AddToGroup {
  kind: "add_to_group";
  subject: string;
  group: { id: string; name: string };
  member: { id: string; name: string; email: string };
  /** The keys that show it, with the member's use and the group's share of everyone else's. */
  keys: {
    id: string;
    name: string;
    requests: number;
    costMicros: number;
    groupShare: number;
    groupUsers: number;
  }[];
  /** Whether their groups grant these keys today (if not, the gateway refuses them now). */
  granted: boolean;
}

export function groupFits(evidence: Evidence): AddToGroup[] {
  const people = evidence.peopleOf;
  const depth = (groupId: string) => evidence.lineage.get(groupId)!.length;
  const inGroup = (groupId: string, memberId: string) =>
    people.get(groupId)?.has(memberId) ?? false;
  // The groups whose people may use a key: those it is given to and their subgroups.
  const holders = new Map<string, string[]>();
  for (const group of evidence.groups.values()) {
    const chain = evidence.lineage.get(group.id)!;
    for (const key of evidence.keys.values())
      if (key.assignments.some((a) => chain.includes(a.groupId)))
        holders.set(key.id, [...(holders.get(key.id) ?? []), group.id]);
  }
  const advice = new Map<string, AddToGroup>();
  for (const [keyId, byMember] of evidence.use.byKey) {
    const key = evidence.keys.get(keyId);
    if (!key) continue;
    const total = [...byMember.values()].reduce((sum, u) => sum + u.requests, 0);
    // Each holding group's people's use of the key, once (a member advised into a group is not
    // in it, so their own use is never part of its figure).
    const groupUse = new Map(
      (holders.get(keyId) ?? []).map((groupId) => {
        const users = [...byMember.keys()].filter((m) => inGroup(groupId, m));
        const requests = users.reduce((sum, m) => sum + byMember.get(m)!.requests, 0);
        return [groupId, { users: users.length, requests }];
      }),
    );
    for (const [memberId, mine] of byMember) {
      const person = evidence.people.get(memberId);
      if (!person?.active || mine.requests < MIN_REQUESTS) continue;
      const others = total - mine.requests;
      // Someone who reaches the key through a group is advised only into its subgroups: one
      // in Backend is not advised into Frontend because Frontend uses the department's key more.
      const reach = (holders.get(keyId) ?? [])
        .filter((groupId) => inGroup(groupId, memberId))
        .sort((a, b) => depth(b) - depth(a))[0];
      const fits = (holders.get(keyId) ?? [])
        .filter(
          (groupId) =>
            !evidence.groups.get(groupId)!.directoryLinked &&
            !inGroup(groupId, memberId) &&
            (!reach || evidence.lineage.get(groupId)!.includes(reach)),
        )
        .map((groupId) => {
          const { users, requests } = groupUse.get(groupId)!;
          return { groupId, users, share: others ? requests / others : 0 };
        })
        .filter((f) => f.users >= MIN_USERS && f.share >= FIT_SHARE)
        // The most specific: the deepest group, then the largest share.
        .sort((a, b) => depth(b.groupId) - depth(a.groupId) || b.share - a.share);
      const fit = fits[0];
      if (!fit) continue;
      const group = evidence.groups.get(fit.groupId)!;
      const subject = `${group.id}/${memberId}`;
      const entry = advice.get(subject) ?? {
        kind: "add_to_group" as const,
        subject,
        group: { id: group.id, name: group.name },
        member: { id: person.id, name: person.name, email: person.email },
        keys: [],
        granted: true,
      };
      entry.keys.push({
        id: key.id,
        name: key.name,
        requests: mine.requests,
        costMicros: mine.costMicros,
        groupShare: fit.share,
        groupUsers: fit.users,
      });
      entry.granted &&= Boolean(reach);
      advice.set(subject, entry);
    }
  }
  return [...advice.values()];
}
