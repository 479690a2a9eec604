"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/action-result";
import { SecretReveal } from "./secret-reveal";

interface KeyActionsProps {
  keyId: string;
  keyName: string;
  rotate: (input: { keyId: string }) => Promise<ActionResult<{ secret: string }>>;
  revoke: (input: { keyId: string }) => Promise<ActionResult<unknown>>;
}

/** Rotate (a new secret, shown once) and revoke (final), each behind a confirmation. */
export function KeyActions({ keyId, keyName, rotate, revoke }: KeyActionsProps) {
  const router = useRouter();
  const [asking, setAsking] = useState<"rotate" | "revoke" | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const confirm = () =>
    startTransition(async () => {
      if (asking === "rotate") {
        const result = await rotate({ keyId });
        if (!result.ok) return void toast.error(result.error);
        setSecret(result.data.secret);
      } else {
        const result = await revoke({ keyId });
        if (!result.ok) return void toast.error(result.error);
        toast.success(`${keyName} is revoked: the gateway refuses it from now on.`);
        setAsking(null);
      }
      router.refresh();
    });

  const close = () => {
    setAsking(null);
    setSecret(null);
  };

  return (
    <div className="flex gap-2">
      <Button variant="outline" onClick={() => setAsking("rotate")}>
        Rotate secret
      </Button>
      <Button variant="destructive" onClick={() => setAsking("revoke")}>
        Revoke
      </Button>
      <Dialog open={asking !== null} onOpenChange={(open) => !open && close()}>
        <DialogContent>
          {secret ? (
            <>
              <DialogTitle>Copy the new secret now</DialogTitle>
              <DialogDescription>
                The old secret stopped working. This one is shown only once.
              </DialogDescription>
              <SecretReveal secret={secret} label="API key secret" />
              <DialogFooter>
                <Button onClick={close}>Done</Button>
              </DialogFooter>
            </>
          ) : asking === "rotate" ? (
            <>
              <DialogTitle>Rotate the secret of {keyName}?</DialogTitle>
              <DialogDescription>
                A new secret replaces the current one at once: every client still using the old one
                is refused until it has the new one. Settings, groups and spend stay.
              </DialogDescription>
              <DialogFooter>
                <Button variant="outline" onClick={close}>
                  Cancel
                </Button>
                <Button onClick={confirm} disabled={pending}>
                  Rotate secret
                </Button>
              </DialogFooter>
            </>
          ) : (
            <>
              <DialogTitle>Revoke {keyName}?</DialogTitle>
              <DialogDescription>
                The gateway refuses it from the next request on, for everyone. This cannot be
                undone; its spend history stays.
              </DialogDescription>
              <DialogFooter>
                <Button variant="outline" onClick={close}>
                  Cancel
                </Button>
                <Button variant="destructive" onClick={confirm} disabled={pending}>
                  Revoke {keyName}
                </Button>
              </DialogFooter>
            </>
          )}
        </DialogContent>
      </Dialog>
    </div>
  );
}
