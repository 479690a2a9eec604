"use client";

import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { ActionResult } from "@/lib/action-result";
import type { CatalogueModel } from "@/lib/models/catalogue";
import { KeyForm, type KeyFormValues, emptyKeyForm } from "./key-form";
import { SecretReveal } from "./secret-reveal";

interface Created {
  id: string;
  name: string;
  secret: string;
}

interface CreateKeyPanelProps {
  models: CatalogueModel[];
  knownFeatures: readonly string[];
  create: (values: KeyFormValues) => Promise<ActionResult<Created>>;
}

/** The new-key form; once created, the secret (shown this once) and the way on to its groups. */
export function CreateKeyPanel({ models, knownFeatures, create }: CreateKeyPanelProps) {
  const [created, setCreated] = useState<Created | null>(null);
  if (created)
    return (
      <Card className="flex max-w-2xl flex-col gap-4 p-6">
        <div>
          <h2 className="text-lg font-semibold">{created.name} is ready: copy its secret now</h2>
          <p className="mt-1 text-sm text-muted-foreground">
            This is the only time Gatehouse shows it; only a hash is stored. If it is lost, rotate
            the key. Nobody can use it until you assign it to a group.
          </p>
        </div>
        <SecretReveal secret={created.secret} label="API key secret" />
        <div className="flex gap-2">
          <Button asChild>
            <Link href={`/keys/${created.id}?tab=groups`}>Assign it to groups</Link>
          </Button>
          <Button asChild variant="outline">
            <Link href="/keys">Back to keys</Link>
          </Button>
        </div>
      </Card>
    );
  return (
    <KeyForm
      models={models}
      knownFeatures={knownFeatures}
      initial={emptyKeyForm}
      submitLabel="Create key"
      submit={create}
      onSaved={(result) => setCreated(result as Created)}
    />
  );
}
