import { Alert } from "@/components/ui/alert";

interface IgnoredParamsProps {
  /** Query-string parameters the page could not use (lib/search-params.ts). */
  names: string[];
}

/** Says which parts of the address were left out, so that an edited URL does not mislead. */
export function IgnoredParams({ names }: IgnoredParamsProps) {
  if (names.length === 0) return null;
  return (
    <Alert>
      Part of this page&apos;s address could not be used and was left out:{" "}
      {names.map((name, i) => (
        <span key={name}>
          {i > 0 && ", "}
          <code className="font-mono text-xs">{name.slice(0, 40)}</code>
        </span>
      ))}
      . It was too long, not text, or not a value this page knows.
    </Alert>
  );
}
