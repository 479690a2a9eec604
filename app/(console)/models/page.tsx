import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { PageHeader } from "@/components/layout/page-header";
import { ModelLists } from "@/components/limits/model-lists";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { listModelLists, listsPermitting } from "@/lib/limits/model-lists";
import { modelCatalogue, providerNames } from "@/lib/models/catalogue";
import { formatMicros } from "@/lib/money";
import { createModelListAction, deleteModelListAction, updateModelListAction } from "./actions";

export const metadata: Metadata = { title: "Models · Gatehouse" };

const price = (micros: number) => `${formatMicros(micros, { precise: true })}`;

export default async function ModelsPage() {
  const { actor } = await requireConsole();
  const db = await getDb();
  const lists = await listModelLists(db, actor);
  const permitting = listsPermitting(lists, modelCatalogue);
  const canEdit = actor.role !== "member";
  return (
    <>
      <PageHeader
        title="Models"
        description="The model catalogue with its list prices per million tokens, and the model lists that keys and groups are limited by."
      />
      <Card className="mb-6 p-5">
        <h2 className="mb-1 text-base font-semibold">Model lists</h2>
        <p className="mb-4 text-sm text-muted-foreground">
          A key may use a model only if every list on the key allows it, and only through a group of
          the member all of whose lists allow it. A key with no allowed models and no lists allows
          every model.
        </p>
        <ModelLists
          lists={lists}
          canEdit={canEdit}
          create={createModelListAction}
          update={updateModelListAction}
          remove={deleteModelListAction}
        />
      </Card>
      <Card className="overflow-x-auto">
        <Table>
          <caption className="border-b px-4 py-3 text-left text-muted-foreground">
            {modelCatalogue.length} models. Prices in USD per million tokens.
          </caption>
          <THead>
            <tr>
              <Th>Model</Th>
              <Th>Provider</Th>
              <Th className="text-right">Input</Th>
              <Th className="text-right">Output</Th>
              <Th className="text-right">Cached input</Th>
              <Th>Lists that allow it</Th>
            </tr>
          </THead>
          <tbody>
            {modelCatalogue.map((m) => (
              <Tr key={m.id}>
                <Td>
                  <span className="font-medium">{m.displayName}</span>
                  <span className="block font-mono text-xs text-muted-foreground">{m.id}</span>
                </Td>
                <Td>{providerNames[m.provider]}</Td>
                <Td className="text-right tabular-nums">{price(m.inputMicrosPerMtok)}</Td>
                <Td className="text-right tabular-nums">{price(m.outputMicrosPerMtok)}</Td>
                <Td className="text-right tabular-nums">{price(m.cachedInputMicrosPerMtok)}</Td>
                <Td className="text-sm">
                  {permitting
                    .get(m.id)!
                    .map((l) => l.name)
                    .join(", ") ||
                    (lists.length ? <span className="text-muted-foreground">None</span> : "")}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </>
  );
}
