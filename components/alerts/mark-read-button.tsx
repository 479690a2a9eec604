"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action-result";

interface MarkReadButtonProps {
  markRead: (input: null) => Promise<ActionResult<{ read: number }>>;
}

export function MarkReadButton({ markRead }: MarkReadButtonProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="outline"
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          const result = await markRead(null);
          if (!result.ok) return void toast.error(result.error);
          router.refresh();
        })
      }
    >
      Mark all as read
    </Button>
  );
}
