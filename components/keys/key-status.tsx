import { Badge } from "@/components/ui/badge";

interface KeyStatusProps {
  revokedAt: Date | null;
  expiresAt: Date | null;
  now: Date;
}

/** Revoked, expired, or expiring within two weeks; nothing for a plainly live key. */
export function KeyStatus({ revokedAt, expiresAt, now }: KeyStatusProps) {
  if (revokedAt) return <Badge variant="destructive">Revoked</Badge>;
  if (expiresAt && expiresAt <= now) return <Badge variant="destructive">Expired</Badge>;
  if (expiresAt && expiresAt.getTime() - now.getTime() < 14 * 86_400_000)
    return <Badge variant="warning">Expires soon</Badge>;
  return null;
}
