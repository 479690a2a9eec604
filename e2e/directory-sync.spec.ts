import { expect, test } from "@playwright/test";
import { KeysPage } from "./pages/keys-page";
import { LoginPage } from "./pages/login-page";
import { SettingsPage } from "./pages/settings-page";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("an identity provider provisions a person and a group over SCIM; deactivated, the gateway denies them at once", async ({
  page,
  request,
}) => {
  await new LoginPage(page).signIn();
  const settings = new SettingsPage(page);
  const run = Date.now();
  const scimToken = await settings.createScimToken(`okta-${run}`);
  const gatewayToken = await settings.createGatewayToken(`edge-${run}`);
  await expect(page.getByText(`${page.url().replace(/\/settings.*$/, "")}/scim/v2`)).toBeVisible();

  // As Okta sends them (test/scim/okta.test.ts replays the whole flow).
  const scim = (method: "GET" | "POST" | "PATCH", path: string, data?: unknown) =>
    request.fetch(`/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${scimToken}`,
        "content-type": "application/scim+json",
      },
      data,
    });
  const email = `dana.${run}@acme.test`;
  expect(
    (await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`)).status(),
  ).toBe(200);
  const user = await scim("POST", "/Users", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: email,
    name: { givenName: "Dana", familyName: `Okta ${run}` },
    emails: [{ primary: true, value: email, type: "work" }],
    externalId: `00u${run}`,
    password: "ignored-by-gatehouse",
    groups: [],
    active: true,
  });
  expect(user.status()).toBe(201);
  const userId = (await user.json()).id as string;
  const groupName = `Directory ${run}`;
  const group = await scim("POST", "/Groups", {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    displayName: groupName,
    members: [{ value: userId }],
  });
  expect(group.status()).toBe(201);
  const groupId = (await group.json()).id as string;

  // The console shows the group as the directory's, its members read-only.
  await page.goto(`/groups/${groupId}`);
  await expect(page.getByRole("heading", { name: groupName })).toBeVisible();
  await expect(page.getByText("From directory")).toBeVisible();
  await expect(page.getByText(/These members come from your identity provider/)).toBeVisible();
  await expect(page.getByRole("cell", { name: email })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add members" })).toHaveCount(0);

  // Admins still give the group keys.
  const keys = new KeysPage(page);
  const keyName = `directory-key-${run}`;
  const secret = await keys.createKey(keyName);
  await keys.assignToGroup(keyName, groupName);

  const ask = async () =>
    (
      await request.post("/api/v1/authorize", {
        headers: { authorization: `Bearer ${gatewayToken}` },
        data: { apiKey: secret, user: { email }, model: "gpt-4o" },
      })
    ).json();
  expect(await ask()).toMatchObject({ allow: true, groups: [{ name: groupName }] });

  // Okta deactivates without a path; the very next authorize is denied.
  const deactivated = await scim("PATCH", `/Users/${userId}`, {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{ op: "replace", value: { active: false } }],
  });
  expect(deactivated.status()).toBe(200);
  expect(await ask()).toMatchObject({ allow: false, reason: "user_suspended" });

  // The audit log shows the directory as the actor.
  await page.goto(`/audit?targetId=${userId}`);
  const suspended = page.getByRole("row").filter({ hasText: "member.suspended" });
  await expect(suspended).toContainText("Directory");
  await expect(suspended).toContainText(`directory:okta-${run}`);
});
