import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { CreateKeyPanel } from "@/components/keys/create-key-panel";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { knownFeatures } from "@/lib/keys/schemas";
import { modelCatalogue } from "@/lib/models/catalogue";
import { createKeyAction } from "../actions";

export const metadata: Metadata = { title: "New API key · Gatehouse" };

export default async function NewKeyPage() {
  const { actor } = await requireConsole();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link href="/keys" className="hover:underline">
          API keys
        </Link>
      </nav>
      <PageHeader
        title="New API key"
        description="A key reaches people through the groups you assign it to; its policy says which models and features they get."
      />
      {actor.role === "member" ? (
        <AdminOnly what="Creating keys" />
      ) : (
        <CreateKeyPanel
          models={[...modelCatalogue]}
          knownFeatures={knownFeatures}
          create={createKeyAction}
        />
      )}
    </>
  );
}
