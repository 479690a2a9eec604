import {
  ClipboardCheck,
  FolderTree,
  KeyRound,
  Lightbulb,
  type LucideIcon,
  PieChart,
  ScrollText,
  Settings,
  ShieldCheck,
  Sparkles,
  Users,
} from "lucide-react";

export interface NavItem {
  href: string;
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
}

export const navItems: NavItem[] = [
  { href: "/groups", label: "Groups", icon: FolderTree },
  { href: "/members", label: "Members", icon: Users },
  { href: "/keys", label: "API keys", icon: KeyRound },
  { href: "/access", label: "Access", icon: ShieldCheck },
  { href: "/models", label: "Models", icon: Sparkles },
  { href: "/spend", label: "Spend", icon: PieChart },
  { href: "/recommendations", label: "Recommendations", icon: Lightbulb, adminOnly: true },
  { href: "/reviews", label: "Access reviews", icon: ClipboardCheck, adminOnly: true },
  { href: "/audit", label: "Audit log", icon: ScrollText, adminOnly: true },
  { href: "/settings", label: "Settings", icon: Settings, adminOnly: true },
];
