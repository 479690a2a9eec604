import { redirect } from "next/navigation";
import { signOutAction } from "@/app/(console)/actions";
import { getConsoleContext } from "@/app/_server/session";
import { Logo } from "@/components/brand/logo";
import { Button } from "@/components/ui/button";

export const dynamic = "force-dynamic";

export default async function NoAccessPage() {
  const context = await getConsoleContext();
  if (!context) redirect("/login");
  if (context.actor) redirect("/groups");
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 p-6 text-center">
      <Logo className="text-xl" />
      <h1 className="text-xl font-semibold">No organisation to open</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        You are signed in as {context.user.email}, but you are not an active member of any
        organisation. An admin may have suspended or removed your access.
      </p>
      <form action={signOutAction}>
        <Button type="submit" variant="outline">
          Sign out
        </Button>
      </form>
    </main>
  );
}
