"use server";

import { action } from "@/app/_server/action";
import { markAlertsRead } from "@/lib/spend/alert-queries";

export const markAlertsReadAction = action(
  "markAlertsRead",
  (_input: null, actor, db) => markAlertsRead(db, actor),
  {
    revalidate: ["/alerts"],
  },
);
