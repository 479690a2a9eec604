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

// The advice read from how keys and models are used, on the demo: a sales engineer who left the
// Content Team still working like Marketing, a feature and a model on marketing-key nobody
// needed, and DevOps's Opus spend that Sonnet would serve. The badge on a group's page and on a
// member's row opens the advice about them.
test("an admin acts on usage-based advice from the badges and the page", async ({ page }) => {
  await new LoginPage(page).signIn();
  await page.goto("/recommendations");
  const advice = page.getByRole("list", { name: "Recommendations" }).getByRole("listitem");
  const cheaper = advice.filter({
    hasText: "DevOps Engineers: Claude Sonnet 4.5 instead of Claude Opus 4.1",
  });
  await expect(cheaper).toContainText(/would save about \$\d+ a month/);
  await expect(cheaper).toContainText(
    "takes up to 200,000 tokens at $3 in / $15 out per million tokens",
  );
  // It stops requests people make today, so it asks first; Cancel leaves the key as it is.
  await cheaper
    .getByRole("button", { name: "Stop allowing Claude Opus 4.1 on eng-prod-key" })
    .click();
  await expect(cheaper.getByRole("alert")).toHaveText(
    "From now on the gateway refuses Claude Opus 4.1 with eng-prod-key, for everyone it is given to (Engineering).",
  );
  await expect(
    cheaper.getByRole("button", { name: "Confirm: Stop allowing Claude Opus 4.1 on eng-prod-key" }),
  ).toBeVisible();
  await cheaper.getByRole("button", { name: "Cancel" }).click();
  await expect(cheaper.getByRole("alert")).toHaveCount(0);

  // The member's row carries the badge; it opens the advice about them alone.
  // The demo's sales engineer made 36 requests with marketing-key before leaving the Content
  // Team (other journeys move more people out of Marketing, who are advised back too).
  const addAdvice = advice.filter({
    hasText: /^Add .+ to Marketing.*made 36 requests with marketing-key/,
  });
  await expect(addAdvice).toContainText("None of their groups grants it now");
  const who = (await addAdvice.getByRole("heading").textContent())!.match(/^Add (.+) to/)![1]!;
  await page.goto(`/members?q=${encodeURIComponent(who)}`);
  await page
    .getByRole("row", { name: new RegExp(who) })
    .getByRole("link", { name: /recommendation/ })
    .click();
  await expect(
    page.getByText(new RegExp(`^1 of \\d+ recommendations: those about ${who}\\.`)),
  ).toBeVisible();
  await expect(advice).toHaveCount(1);
  await advice.getByRole("button", { name: "Add to Marketing" }).click();
  await expect(page.getByText(`Added ${who} to Marketing.`)).toBeVisible();
  await page.reload();
  await expect(page.getByText("Nothing to recommend about this member.")).toBeVisible();

  // Marketing's page counts the advice about it (the key it is given); acting takes the unused
  // feature and model off the key, which its page then shows.
  await page.goto("/groups");
  await page.getByRole("link", { name: "Marketing", exact: true }).click();
  await page.getByRole("link", { name: /\d+ recommendations?/ }).click();
  const feature = advice.filter({ hasText: "Remove reasoning from marketing-key" });
  await expect(feature).toContainText("No one in Marketing made a request with reasoning");
  await feature.getByRole("button", { name: "Remove feature" }).click();
  await expect(page.getByText("marketing-key no longer carries reasoning.")).toBeVisible();
  const model = advice.filter({ hasText: "Stop allowing GPT-4.1 mini on marketing-key" });
  await expect(model).toContainText("never for GPT-4.1 mini");
  await model.getByRole("button", { name: "Stop allowing it" }).click();
  await expect(page.getByText("marketing-key no longer allows GPT-4.1 mini.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: /marketing-key/ })).toHaveCount(0);
});
