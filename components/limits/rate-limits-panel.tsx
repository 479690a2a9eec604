"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { ActionResult } from "@/lib/action-result";
import type { RateLimitInput } from "@/lib/limits/schemas";

interface RateLimitRow {
  id: string;
  perMember: boolean;
  modelPattern: string | null;
  requestsPerMinute: number | null;
  requestsPerDay: number | null;
  tokensPerMinute: number | null;
}

interface RateLimitsPanelProps {
  target: { kind: "key" | "member" | "group"; id: string; name: string };
  limits: RateLimitRow[];
  canEdit: boolean;
  set: (input: RateLimitInput) => Promise<ActionResult<unknown>>;
  remove: (input: { rateLimitId: string }) => Promise<ActionResult<unknown>>;
}

const count = (n: number | null) => (n === null ? "—" : n.toLocaleString("en-US"));

/**
 * The rate limits of a key, a group or a member: what the gateway's authorize enforces per minute
 * and per day, for all models or those a pattern matches. Setting one for a pattern that has one
 * changes it.
 */
export function RateLimitsPanel({ target, limits, canEdit, set, remove }: RateLimitsPanelProps) {
  const router = useRouter();
  const [pattern, setPattern] = useState("");
  const [perMinute, setPerMinute] = useState("");
  const [perDay, setPerDay] = useState("");
  const [tokens, setTokens] = useState("");
  const [perMember, setPerMember] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const isGroup = target.kind === "group";
  const fields = [
    {
      id: "rate-pattern",
      name: "modelPattern",
      label: "Models (optional)",
      hint: "A model id, * for any characters: claude-opus-*. Empty: all models.",
      placeholder: "All models",
      numeric: false,
      value: pattern,
      set: setPattern,
    },
    {
      id: "rate-per-minute",
      name: "requestsPerMinute",
      label: "Requests a minute",
      hint: "In any 60 seconds. Empty: none.",
      numeric: true,
      value: perMinute,
      set: setPerMinute,
    },
    {
      id: "rate-per-day",
      name: "requestsPerDay",
      label: "Requests a day",
      hint: "Per calendar day, UTC. Empty: none.",
      numeric: true,
      value: perDay,
      set: setPerDay,
    },
    {
      id: "rate-tokens",
      name: "tokensPerMinute",
      label: "Tokens a minute",
      hint: "Input and output, in any 60 seconds: usage reported, and estimates until it is.",
      numeric: true,
      value: tokens,
      set: setTokens,
    },
  ];

  const submit = () =>
    startTransition(async () => {
      const result = await set({
        target: isGroup
          ? { kind: "group", id: target.id, perMember }
          : { kind: target.kind as "key" | "member", id: target.id },
        modelPattern: pattern,
        requestsPerMinute: perMinute,
        requestsPerDay: perDay,
        tokensPerMinute: tokens,
      });
      if (!result.ok) return setErrors(result.fieldErrors ?? { requestsPerMinute: result.error });
      setErrors({});
      setPattern("");
      setPerMinute("");
      setPerDay("");
      setTokens("");
      toast.success(`Rate limit saved for ${target.name}.`);
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-4">
      <Table>
        <caption className="sr-only">Rate limits of {target.name}</caption>
        <THead className="bg-transparent">
          <tr>
            {isGroup && <Th>Counted</Th>}
            <Th>Models</Th>
            <Th className="text-right">Requests a minute</Th>
            <Th className="text-right">Requests a day</Th>
            <Th className="text-right">Tokens a minute</Th>
            {canEdit && (
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            )}
          </tr>
        </THead>
        <tbody>
          {limits.map((l) => (
            <Tr key={l.id}>
              {isGroup && <Td>{l.perMember ? "For each member" : "For the group together"}</Td>}
              <Td className={l.modelPattern ? "font-mono text-xs" : undefined}>
                {l.modelPattern ?? "All models"}
              </Td>
              <Td className="text-right tabular-nums">{count(l.requestsPerMinute)}</Td>
              <Td className="text-right tabular-nums">{count(l.requestsPerDay)}</Td>
              <Td className="text-right tabular-nums">{count(l.tokensPerMinute)}</Td>
              {canEdit && (
                <Td className="text-right">
                  <Button
                    variant="outline"
                    size="sm"
                    disabled={pending}
                    aria-label={`Remove the rate limit for ${l.modelPattern ?? "all models"}${isGroup ? (l.perMember ? ", each member" : ", the group together") : ""}`}
                    onClick={() =>
                      startTransition(async () => {
                        const result = await remove({ rateLimitId: l.id });
                        if (result.ok) toast.success("Rate limit removed.");
                        else toast.error(result.error);
                        router.refresh();
                      })
                    }
                  >
                    Remove
                  </Button>
                </Td>
              )}
            </Tr>
          ))}
          {!limits.length && (
            <tr>
              <Td colSpan={isGroup ? 6 : 5} className="py-4 text-muted-foreground">
                No rate limits: only budgets and spending limits apply.
              </Td>
            </tr>
          )}
        </tbody>
      </Table>
      {canEdit && (
        <form
          aria-label={`Set a rate limit for ${target.name}`}
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <fieldset disabled={pending} className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
            {fields.map((f) => (
              <Field key={f.id} id={f.id} label={f.label} hint={f.hint} error={errors[f.name]}>
                <Input
                  id={f.id}
                  value={f.value}
                  onChange={(e) => f.set(e.target.value)}
                  placeholder={f.placeholder}
                  inputMode={f.numeric ? "numeric" : undefined}
                  maxLength={f.numeric ? 14 : 200}
                  aria-invalid={Boolean(errors[f.name])}
                  aria-describedby={describedBy(f.id, errors[f.name])}
                />
              </Field>
            ))}
          </fieldset>
          {isGroup && (
            <fieldset className="flex flex-wrap gap-4 text-sm" disabled={pending}>
              <legend className="sr-only">How the group&apos;s limit is counted</legend>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="rate-per-member"
                  checked={!perMember}
                  onChange={() => setPerMember(false)}
                />
                For the group together
              </label>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="rate-per-member"
                  checked={perMember}
                  onChange={() => setPerMember(true)}
                />
                For each member of the group
              </label>
            </fieldset>
          )}
          <div>
            <Button type="submit" disabled={pending}>
              Save rate limit
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}
