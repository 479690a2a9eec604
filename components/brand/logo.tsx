import { cn } from "@/lib/utils";

export function Logo({ className }: { className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <svg viewBox="0 0 24 24" className="size-6 text-primary" aria-hidden fill="none">
        <rect x="2" y="2" width="20" height="20" rx="5" fill="currentColor" />
        <path d="M8 17V10a4 4 0 0 1 8 0v7" stroke="white" strokeWidth="2" strokeLinecap="round" />
        <path d="M8 13h8" stroke="white" strokeWidth="2" strokeLinecap="round" />
      </svg>
      Gatehouse
    </span>
  );
}
