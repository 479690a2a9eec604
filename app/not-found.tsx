import Link from "next/link";
import { Button } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-[60dvh] flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-medium text-primary">404</p>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        It does not exist, or it belongs to an organisation you are not signed in to.
      </p>
      <Button asChild variant="outline">
        <Link href="/groups">Back to groups</Link>
      </Button>
    </main>
  );
}
