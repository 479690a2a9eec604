import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { models } from "@/db/schema";
import { modelCatalogue } from "./catalogue";

/** Brings the `models` table in line with the catalogue in code (prices change, models arrive). */
export async function syncModelCatalogue(db: Db): Promise<void> {
  await db
    .insert(models)
    .values([...modelCatalogue])
    .onConflictDoUpdate({
      target: models.id,
      set: {
        provider: sql`excluded.provider`,
        displayName: sql`excluded.display_name`,
        family: sql`excluded.family`,
        inputMicrosPerMtok: sql`excluded.input_micros_per_mtok`,
        outputMicrosPerMtok: sql`excluded.output_micros_per_mtok`,
        cachedInputMicrosPerMtok: sql`excluded.cached_input_micros_per_mtok`,
      },
    });
}
