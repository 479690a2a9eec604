import { expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";

// The demo's idle access, as an admin meets it: a key given to Research that nobody uses, and a
// sales rep in the Content Team who never used its key. Dismiss is remembered; acting removes
// the membership through the usual command.

test("an admin reads the least-privilege advice, dismisses one and acts on another", async ({
  page,
}) => {
  await new LoginPage(page).signIn();
  await page.getByRole("link", { name: "Recommendations" }).click();
  const advice = page.getByRole("list", { name: "Recommendations" }).getByRole("listitem");
  const idleKey = advice.filter({ hasText: "Take research-batch-key away from Research Division" });
  await expect(idleKey).toContainText(
    /No one in Research Division \(\d+ people\) has used it in 30 days/,
  );
  const idleMember = advice.filter({ hasText: /Remove .+ from Content Team/ });
  await expect(idleMember).toHaveCount(1);
  await expect(idleMember).toContainText(
    "Content Team grants marketing-key, which others in it use.",
  );
  const who = (await idleMember.getByRole("heading").textContent())!.match(
    /^Remove (.+) from/,
  )![1]!;

  await idleKey.getByRole("button", { name: /^Dismiss/ }).click();
  await expect(page.getByText("Dismissed: it will not be recommended again.")).toBeVisible();
  await page.reload();
  await expect(idleKey).toHaveCount(0);

  await idleMember.getByRole("button", { name: "Remove from group" }).click();
  await expect(page.getByText(`Removed ${who} from Content Team.`)).toBeVisible();
  await page.reload();
  await expect(advice.filter({ hasText: `Remove ${who} from Content Team` })).toHaveCount(0);
  await page.goto("/groups");
  await page.getByRole("link", { name: "Content Team" }).click();
  await expect(page.getByRole("cell", { name: who, exact: true })).toHaveCount(0);
});
