import Link from "next/link";
import type { ReactNode } from "react";
import { requireConsole } from "@/app/_server/session";
import { AlertBell } from "@/components/alerts/alert-bell";
import { Logo } from "@/components/brand/logo";
import { OrgSwitcher } from "@/components/shell/org-switcher";
import { SidebarNav } from "@/components/shell/sidebar-nav";
import { UserMenu } from "@/components/shell/user-menu";
import { getDb } from "@/db/client";
import { unreadAlertCount } from "@/lib/spend/alert-queries";
import { signOutAction, switchOrganisation } from "./actions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user, orgs, actor } = await requireConsole();
  const isAdmin = actor.role !== "member";
  const unread = isAdmin ? await unreadAlertCount(await getDb(), actor) : 0;
  return (
    <div className="flex min-h-dvh">
      <aside className="sticky top-0 hidden h-dvh w-56 shrink-0 flex-col gap-6 border-r bg-sidebar px-3 py-4 md:flex">
        <Link href="/groups" className="px-3">
          <Logo />
        </Link>
        <SidebarNav isAdmin={isAdmin} />
        {!isAdmin && (
          <p className="mt-auto px-3 text-xs text-muted-foreground">
            You have read-only access. Ask an admin to change groups or keys.
          </p>
        )}
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-40 flex h-14 items-center gap-2 border-b bg-background/90 px-4 backdrop-blur md:px-6">
          <Link href="/groups" className="md:hidden" aria-label="Gatehouse home">
            <Logo className="[&>svg~*]:hidden" />
          </Link>
          <OrgSwitcher orgs={orgs} activeOrgId={actor.orgId} switchOrg={switchOrganisation} />
          <div className="ml-auto flex items-center gap-2">
            {isAdmin && <AlertBell unread={unread} />}
            <UserMenu
              name={user.name}
              email={user.email}
              role={actor.role}
              signOut={signOutAction}
            />
          </div>
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 md:px-8">{children}</main>
      </div>
    </div>
  );
}
