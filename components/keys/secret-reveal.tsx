"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

interface SecretRevealProps {
  secret: string;
  label: string;
}

/** A secret shown the one time it exists in clear, with a copy button. */
export function SecretReveal({ secret, label }: SecretRevealProps) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => {
        setCopied(true);
        toast.success(`${label} copied.`);
      },
      () => toast.error("The browser refused the clipboard: select the text and copy it."),
    );
  return (
    <div className="flex gap-2">
      <Input
        readOnly
        value={secret}
        aria-label={label}
        className="font-mono text-xs"
        onFocus={(e) => e.target.select()}
      />
      <Button type="button" variant="outline" onClick={() => void copy()}>
        {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
        {copied ? "Copied" : "Copy"}
      </Button>
    </div>
  );
}
