"use client";

import { Button } from "@/components/ui/button";

// Shown instead of a stack trace when a page fails on the server (the database is unreachable,
// say). The details stay in the server log, under the digest shown here. "Try again" fetches the
// page from the server again (`retry`); `reset` would only re-render what already failed.
export default function ErrorPage({
  error,
  retry,
}: {
  error: Error & { digest?: string };
  retry: () => void;
}) {
  return (
    <main className="flex min-h-[60dvh] flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="text-sm font-medium text-destructive">Something went wrong</p>
      <h1 className="text-2xl font-semibold">This page could not be loaded</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        The console could not reach its database or hit an unexpected problem. Nothing was changed.
        Try again in a moment.
      </p>
      {error.digest && (
        <p className="font-mono text-xs text-muted-foreground">Reference: {error.digest}</p>
      )}
      <Button onClick={retry}>Try again</Button>
    </main>
  );
}
