"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import type { ActionResult } from "@/lib/action-result";
import type { CatalogueModel } from "@/lib/models/catalogue";
import { KeyForm, type KeyFormValues } from "./key-form";

interface EditKeyFormProps {
  keyId: string;
  models: CatalogueModel[];
  knownFeatures: readonly string[];
  initial: KeyFormValues;
  disabled: boolean;
  update: (input: KeyFormValues & { keyId: string }) => Promise<ActionResult<unknown>>;
}

export function EditKeyForm({ keyId, update, ...props }: EditKeyFormProps) {
  const router = useRouter();
  return (
    <KeyForm
      {...props}
      submitLabel="Save changes"
      submit={(values) => update({ ...values, keyId })}
      onSaved={() => {
        toast.success("Saved: the gateway applies it from the next request.");
        router.refresh();
      }}
    />
  );
}
