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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { ActionResult } from "@/lib/action-result";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { SecretReveal } from "@/components/keys/secret-reveal";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The words that differ between gateway tokens and SCIM tokens. */
export interface TokenWording {
  /** "gateway token": in buttons and titles. */
  noun: string;
  /** Who presents it, in the revocation toast: "the gateway". */
  user: string;
  /** Shown when there are none. */
  empty: string;
  /** The hint above the name field, and its placeholder. */
  nameHint: string;
  placeholder: string;
}

interface BearerTokensProps {
  wording: TokenWording;
  tokens: TokenRow[];
  create: (input: {
    name: string;
  }) => Promise<ActionResult<{ id: string; name: string; secret: string }>>;
  revoke: (input: { tokenId: string }) => Promise<ActionResult<null>>;
}

const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** An organisation's machine credentials (gateway or SCIM): create (shown once), see use, revoke. */
export function BearerTokens({ wording, tokens, create, revoke }: BearerTokensProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = () =>
    startTransition(async () => {
      const result = await create({ name });
      if (!result.ok) return setError(result.error);
      setSecret(result.data.secret);
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-3">
      {/* Long token names stay in the card: truncated, whole on hover and for screen readers. */}
      <div className="overflow-x-auto">
        <Table>
          <THead className="bg-transparent">
            <tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Created</Th>
              <Th>Last used (UTC)</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <tbody>
            {tokens.map((t) => (
              <Tr key={t.id}>
                <Td className="max-w-[14rem] truncate font-medium" title={t.name}>
                  {t.name}
                </Td>
                <Td className="font-mono text-xs text-muted-foreground">{t.prefix}…</Td>
                <Td className="text-muted-foreground">{date.format(new Date(t.createdAt))}</Td>
                <Td className="text-muted-foreground">
                  {t.lastUsedAt ? dateTime.format(new Date(t.lastUsedAt)) : "Never"}
                </Td>
                <Td className="text-right">
                  {t.revokedAt ? (
                    <span className="text-xs text-muted-foreground">
                      Revoked {date.format(new Date(t.revokedAt))}
                    </span>
                  ) : (
                    <Button
                      variant="outline"
                      size="sm"
                      disabled={pending}
                      aria-label={`Revoke ${t.name}`}
                      onClick={() =>
                        startTransition(async () => {
                          const result = await revoke({ tokenId: t.id });
                          if (result.ok)
                            toast.success(
                              `${t.name} is revoked: ${wording.user} can no longer use it.`,
                            );
                          else toast.error(result.error);
                          router.refresh();
                        })
                      }
                    >
                      Revoke
                    </Button>
                  )}
                </Td>
              </Tr>
            ))}
            {!tokens.length && (
              <tr>
                <Td colSpan={5} className="py-4 text-muted-foreground">
                  {wording.empty}
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </div>
      <div>
        <Button onClick={() => setOpen(true)}>New {wording.noun}</Button>
      </div>
      <Dialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) {
            setSecret(null);
            setName("");
            setError(null);
          }
        }}
      >
        <DialogContent>
          <DialogTitle>{secret ? "Copy the token now" : `New ${wording.noun}`}</DialogTitle>
          {secret ? (
            <>
              <DialogDescription>
                It is shown only once. {capitalised(wording.user)} sends it as Authorization: Bearer
                …
              </DialogDescription>
              <SecretReveal secret={secret} label={capitalised(wording.noun)} />
              <DialogFooter>
                <Button onClick={() => setOpen(false)}>Done</Button>
              </DialogFooter>
            </>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                submit();
              }}
              className="flex flex-col gap-3"
            >
              <DialogDescription>{wording.nameHint}</DialogDescription>
              <Label htmlFor="token-name">Name</Label>
              <Input
                id="token-name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder={wording.placeholder}
                maxLength={FIELD_LIMITS.gatewayTokenName}
                aria-invalid={Boolean(error)}
              />
              {error && <p className="text-sm text-destructive">{error}</p>}
              <DialogFooter>
                <Button type="submit" disabled={pending}>
                  Create token
                </Button>
              </DialogFooter>
            </form>
          )}
        </DialogContent>
      </Dialog>
    </div>
  );
}
