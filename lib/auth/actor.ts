import type { MemberRole } from "@/db/schema";
import { Forbidden } from "@/lib/errors";

// Who is calling. Every domain function takes one and scopes every query by its orgId.
export type Actor =
  | {
      kind: "user";
      userId: string;
      memberId: string;
      orgId: string;
      role: MemberRole;
      label: string;
    }
  | { kind: "gateway"; tokenId: string; orgId: string; label: string }
  // An identity provider provisioning the organisation over SCIM with one of its tokens.
  | { kind: "directory"; tokenId: string; orgId: string; label: string }
  | { kind: "system"; orgId: string; label: string };

export type Permission =
  "org:read" | "org:manage" | "usage:ingest" | "access:decide" | "directory:sync";

const rolePermissions: Record<MemberRole, readonly Permission[]> = {
  owner: ["org:read", "org:manage"],
  admin: ["org:read", "org:manage"],
  member: ["org:read"],
};

const gatewayPermissions: readonly Permission[] = ["usage:ingest", "access:decide"];

export function can(actor: Actor, permission: Permission): boolean {
  switch (actor.kind) {
    case "system":
      return true;
    case "gateway":
      return gatewayPermissions.includes(permission);
    case "directory":
      return permission === "directory:sync";
    case "user":
      return rolePermissions[actor.role].includes(permission);
  }
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new Forbidden();
}

export function systemActor(orgId: string, label = "Gatehouse"): Actor {
  return { kind: "system", orgId, label };
}
