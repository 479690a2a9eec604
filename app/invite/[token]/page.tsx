import type { Metadata } from "next";
import { AcceptInvitationForm } from "@/components/auth/accept-invitation-form";
import { Logo } from "@/components/brand/logo";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { acceptInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Set your password · Gatehouse" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="flex min-h-dvh items-center justify-center p-6">
      <div className="flex w-full max-w-sm flex-col gap-6">
        <Logo className="justify-center text-xl" />
        <Card>
          <CardHeader>
            <CardTitle>Welcome to Gatehouse</CardTitle>
            <CardDescription>Choose a password to finish setting up your account.</CardDescription>
          </CardHeader>
          <CardContent>
            <AcceptInvitationForm token={token} action={acceptInvitationAction} />
          </CardContent>
        </Card>
      </div>
    </main>
  );
}
