// Who may call which endpoint. Every server action and route handler in app/ is a public HTTP
// endpoint that authorises on its own (docs/ARCHITECTURE.md, "Tenancy and roles"); this is the
// written answer, endpoint by endpoint, for each kind of caller and for ids of the caller's own
// organisation and of another one.
//
// test/security/ keeps it true: it finds every exported server action and route handler and fails
// when one is missing here (or listed here but gone), then calls each one as each caller with ids
// of both organisations and checks the outcome. docs/authorization-matrix.md is generated from
// this file (`npm run docs:matrix`); a test fails when it is out of date.

/** The callers, in the order the document shows them. */
export const roles = ["anonymous", "member", "admin", "owner", "gateway", "scim"] as const;
export type Role = (typeof roles)[number];

export const roleTitles: Record<Role, string> = {
  anonymous: "Anonymous",
  member: "Member",
  admin: "Admin",
  owner: "Owner",
  gateway: "Gateway token",
  scim: "SCIM token",
};

export const roleDescriptions: Record<Role, string> = {
  anonymous: "no session (or a session that has ended), no token",
  member: "signed in, role `member` of organisation A",
  admin: "signed in, role `admin` of organisation A",
  owner: "signed in, role `owner` of organisation A",
  gateway:
    "`Authorization: Bearer ghg_…`, a live gateway token of organisation A, and no session (a revoked token counts as none)",
  scim: "`Authorization: Bearer ghs_…`, a live SCIM token of organisation A (directory sync), and no session",
};

export type Outcome = "allowed" | "refused";

/**
 * `own`: called with ids (and credentials) of the caller's organisation A; `other`: with ids of
 * another organisation B (or, for an endpoint that takes no ids, with B's org id slipped into the
 * input). `refused` for `other` means the answer is the one an unknown id gets and B is unchanged.
 */
export interface Cell {
  own: Outcome;
  other: Outcome;
}

export interface MatrixEntry {
  kind: "server action" | "route handler";
  /** One line: what it does and why its row is what it is. */
  note: string;
  access: Record<Role, Cell>;
  /** Set while the code does not honour a cell of the row (the cell shows the intended answer). */
  bug?: string;
}

const allowed: Cell = { own: "allowed", other: "refused" };
const refused: Cell = { own: "refused", other: "refused" };

/** Console endpoints (session cookie only): tokens are not sessions. */
const consoleOnly = { anonymous: refused, gateway: refused, scim: refused };
/** Changes to the organisation: permission `org:manage` (owners and admins). */
const manage = { ...consoleOnly, member: refused, admin: allowed, owner: allowed };
/** Reads of the organisation: permission `org:read` (every role). */
const read = { ...consoleOnly, member: allowed, admin: allowed, owner: allowed };
/** Owners only. */
const owners = { ...consoleOnly, member: refused, admin: refused, owner: allowed };
/** Public by design: the credential is in the request (password, link token), not the session. */
const open = {
  anonymous: allowed,
  member: allowed,
  admin: allowed,
  owner: allowed,
  gateway: allowed,
  scim: allowed,
};
/** The gateway API: a gateway token only; sessions are not accepted. */
const gatewayOnly = {
  anonymous: refused,
  member: refused,
  admin: refused,
  owner: refused,
  gateway: allowed,
  scim: refused,
};

/** Directory sync (/scim/v2): a SCIM token of the organisation, nothing else. */
const scimOnly: Record<Role, Cell> = {
  anonymous: refused,
  member: refused,
  admin: refused,
  owner: refused,
  gateway: refused,
  scim: allowed,
};

const action = (
  note: string,
  access: Record<Role, Cell>,
  extra: Partial<MatrixEntry> = {},
): MatrixEntry => ({ kind: "server action", note, access, ...extra });
const route = (note: string, access: Record<Role, Cell>): MatrixEntry => ({
  kind: "route handler",
  note,
  access,
});

export const authorizationMatrix: Record<string, MatrixEntry> = {
  // Console shell
  "app/(console)/actions.ts#switchOrganisation": action(
    "Makes another of the caller's own organisations the active one; an org id the caller is not an active member of gets the same refusal as an unknown one.",
    read,
  ),
  "app/(console)/actions.ts#signOutAction": action(
    "Ends the caller's own session (the id comes from the signed cookie, never from input); without a session it only redirects to /login.",
    open,
  ),
  "app/(console)/alerts/actions.ts#markAlertsReadAction": action(
    "Marks the organisation's budget alerts read; takes no ids, so only the actor's organisation is touched.",
    manage,
  ),

  // Groups
  "app/(console)/groups/actions.ts#createGroupAction": action(
    "Creates a group in the actor's organisation; a parent of another organisation is not found.",
    manage,
  ),
  "app/(console)/groups/actions.ts#updateGroupAction": action(
    "Renames and edits a group; the parent, org and archive state cannot be set through it.",
    manage,
  ),
  "app/(console)/groups/actions.ts#moveGroupAction": action(
    "Puts a group under another parent; both are looked up in the actor's organisation.",
    manage,
  ),
  "app/(console)/groups/actions.ts#archiveGroupAction": action(
    "Archives a group of the actor's organisation.",
    manage,
  ),
  "app/(console)/groups/actions.ts#restoreGroupAction": action(
    "Restores an archived group of the actor's organisation.",
    manage,
  ),
  "app/(console)/groups/actions.ts#setGroupBudgetAction": action(
    "Sets a group's monthly budget, mode and alert thresholds.",
    manage,
  ),

  // Memberships (the board and bulk changes)
  "app/(console)/groups/membership-actions.ts#moveMembersAction": action(
    "Moves members between two groups in one transaction; every id is looked up in the actor's organisation.",
    manage,
  ),
  "app/(console)/groups/membership-actions.ts#addMembersAction": action(
    "Adds members to groups (bulk); one foreign id refuses the whole call.",
    manage,
  ),
  "app/(console)/groups/membership-actions.ts#removeMembersAction": action(
    "Removes members from groups (bulk); one foreign id refuses the whole call.",
    manage,
  ),
  "app/(console)/groups/membership-actions.ts#revertMembershipChangeAction": action(
    "Undoes a membership change; pairs outside the actor's organisation are ignored (counted unchanged), exactly like unknown ones.",
    manage,
  ),
  "app/(console)/groups/membership-actions.ts#previewAddMembersAction": action(
    "Counts what a bulk add would do; a manager's confirmation step.",
    manage,
  ),

  // API keys
  "app/(console)/keys/actions.ts#createKeyAction": action(
    "Creates an API key in the actor's organisation and shows its secret once; org id, secret and state in the input are ignored.",
    manage,
  ),
  "app/(console)/keys/actions.ts#updateKeyAction": action(
    "Edits a live key's name, features, policy, expiry and limit.",
    manage,
  ),
  "app/(console)/keys/actions.ts#revokeKeyAction": action("Revokes a key for good.", manage),
  "app/(console)/keys/actions.ts#rotateKeyAction": action(
    "Gives a key a new secret, shown once.",
    manage,
  ),
  "app/(console)/keys/actions.ts#assignKeyAction": action(
    "Assigns a key to groups; the key and every group must be the actor's organisation's.",
    manage,
  ),
  "app/(console)/keys/actions.ts#restrictKeyAction": action(
    "Takes features and models off a live key of the actor's organisation (what a recommendation's Remove does).",
    manage,
  ),
  "app/(console)/keys/actions.ts#unassignKeyAction": action(
    "Takes a key from groups; the key and every group must be the actor's organisation's.",
    manage,
  ),

  // Members
  "app/(console)/members/actions.ts#addMemberAction": action(
    "Adds a person (new, or an existing account of another organisation) to the actor's organisation; only owners add owners.",
    manage,
    {},
  ),
  "app/(console)/members/import/actions.ts#previewMemberImportAction": action(
    "Reads a CSV of people and groups and says what importing it would do in the actor's organisation; changes nothing.",
    manage,
  ),
  "app/(console)/members/import/actions.ts#importMembersAction": action(
    "Imports a CSV's valid rows into the actor's organisation in one transaction (people, roles other than owner, new groups, memberships).",
    manage,
  ),
  "app/(console)/members/import/actions.ts#undoMemberImportAction": action(
    "Takes back an import of the actor's organisation, once.",
    manage,
  ),
  "app/(console)/recommendations/actions.ts#dismissRecommendationAction": action(
    "Remembers that the actor's organisation's admins dismissed a recommendation.",
    manage,
  ),
  "app/(console)/groups/rules/actions.ts#previewRuleAction": action(
    "Counts who in the actor's organisation a rule would add to its groups now; reads only.",
    manage,
  ),
  "app/(console)/groups/rules/actions.ts#createRuleAction": action(
    "Creates an auto-assign rule adding people to the organisation's groups (never the directory's), optionally applying it to current members.",
    manage,
  ),
  "app/(console)/groups/rules/actions.ts#deleteRuleAction": action(
    "Deletes an auto-assign rule of the organisation; the memberships it made stay.",
    manage,
  ),
  "app/(console)/groups/rules/actions.ts#liftRuleExceptionAction": action(
    "Lets the auto-assign rules add a member of the organisation to one of its groups again (ends an exception); a rule they match adds them now.",
    manage,
  ),
  "app/(console)/reviews/actions.ts#startAccessReviewAction": action(
    "Starts an access review of the actor's organisation's groups, reviewed by one of its active owners or admins.",
    manage,
  ),
  "app/(console)/reviews/actions.ts#decideReviewItemsAction": action(
    "Keeps or removes items of the organisation's open review: only the group's reviewer or the review's starter, never on their own access (bar an organisation's only admin).",
    manage,
  ),
  "app/(console)/reviews/actions.ts#setGroupReviewerAction": action(
    "Hands a group of the organisation's open review to another of its active owners or admins.",
    manage,
  ),
  "app/(console)/reviews/actions.ts#completeAccessReviewAction": action(
    "Completes the organisation's open review once all is decided, making the removals that waited for the end.",
    manage,
  ),
  "app/(console)/reviews/actions.ts#cancelAccessReviewAction": action(
    "Cancels the organisation's open review; removals waiting for the end are not made.",
    manage,
  ),
  "app/(console)/members/actions.ts#changeMemberRoleAction": action(
    "Changes a member's role; only owners make or unmake owners, and the last owner stays.",
    manage,
  ),
  "app/(console)/members/actions.ts#setSpendingLimitAction": action(
    "Sets a member's monthly spending limit.",
    manage,
  ),
  "app/(console)/members/actions.ts#suspendMemberAction": action(
    "Suspends a member (their sessions end); only owners suspend owners.",
    manage,
  ),
  "app/(console)/members/actions.ts#reactivateMemberAction": action(
    "Reactivates a suspended member; only owners reactivate owners.",
    manage,
    {},
  ),
  "app/(console)/members/actions.ts#removeMemberAction": action(
    "Removes a member (memberships end, history stays); only owners remove owners.",
    manage,
  ),
  "app/(console)/members/actions.ts#matchingMemberIdsAction": action(
    "The ids of the members matching the members table's filters (select all); a foreign group filter matches nobody, like an unknown one.",
    read,
  ),
  "app/(console)/members/actions.ts#signOutEverywhereAction": action(
    "Ends every session of a member of the actor's organisation; owners only.",
    owners,
  ),

  // Settings
  "app/(console)/models/actions.ts#createModelListAction": action(
    "Creates a model list of the actor's organisation; takes no ids.",
    manage,
  ),
  "app/(console)/models/actions.ts#updateModelListAction": action(
    "Changes a model list of the actor's organisation; another organisation's list is not found.",
    manage,
  ),
  "app/(console)/models/actions.ts#deleteModelListAction": action(
    "Deletes a model list of the actor's organisation.",
    manage,
  ),
  "app/(console)/models/actions.ts#setModelListAttachedAction": action(
    "Attaches or detaches a list of the actor's organisation to one of its keys or groups; another organisation's list, key or group is not found.",
    manage,
  ),
  "app/(console)/rate-limit-actions.ts#setRateLimitAction": action(
    "Sets a rate limit on a key, group or member of the actor's organisation; another organisation's target is not found.",
    manage,
  ),
  "app/(console)/rate-limit-actions.ts#removeRateLimitAction": action(
    "Removes a rate limit of the actor's organisation.",
    manage,
  ),
  "app/(console)/budget-window-actions.ts#setBudgetWindowAction": action(
    "Sets a budget window on a key, group or member of the actor's organisation; another organisation's target is not found.",
    manage,
  ),
  "app/(console)/budget-window-actions.ts#removeBudgetWindowAction": action(
    "Removes a budget window of the actor's organisation.",
    manage,
  ),
  "app/(console)/settings/actions.ts#setOrgTimeZoneAction": action(
    "Sets the time zone of the actor's organisation, where its budget windows' days start.",
    manage,
  ),
  "app/(console)/settings/actions.ts#setAnomalySettingsAction": action(
    "Sets how readily the actor's organisation's spend alerts as unusual, and the least it counts.",
    manage,
  ),
  "app/(console)/settings/actions.ts#createGatewayTokenAction": action(
    "Creates a gateway token of the actor's organisation, secret shown once.",
    manage,
  ),
  "app/(console)/settings/actions.ts#revokeGatewayTokenAction": action(
    "Revokes a gateway token of the actor's organisation.",
    manage,
  ),
  "app/(console)/settings/actions.ts#createScimTokenAction": action(
    "Creates a SCIM token of the actor's organisation for its identity provider, secret shown once.",
    manage,
  ),
  "app/(console)/settings/actions.ts#revokeScimTokenAction": action(
    "Revokes a SCIM token of the actor's organisation.",
    manage,
  ),
  "app/(console)/settings/actions.ts#updateDirectorySettingsAction": action(
    "Sets whether groups the directory pushes may take over existing groups of the same name; takes no ids.",
    manage,
  ),
  "app/(console)/settings/actions.ts#updateSsoPolicyAction": action(
    "Sets the organisation's sign-in policy (SSO required, break-glass owner, email domains, just-in-time provisioning); owners only.",
    owners,
  ),
  "app/(console)/settings/actions.ts#unlinkSsoIdentitiesAction": action(
    "Unlinks the single sign-on identities of a member of the actor's organisation; owners only.",
    owners,
  ),
  "app/(console)/settings/actions.ts#createSsoProviderAction": action(
    "Adds an identity provider of the actor's organisation (client secret stored encrypted, never shown back; issuer at a public address); owners only.",
    owners,
  ),
  "app/(console)/settings/actions.ts#updateSsoProviderAction": action(
    "Changes one of the organisation's identity providers (an empty secret keeps the stored one); owners only.",
    owners,
  ),
  "app/(console)/settings/actions.ts#setSsoProviderEnabledAction": action(
    "Enables or disables one of the organisation's identity providers (disabling ends its sessions); owners only.",
    owners,
  ),
  "app/(console)/settings/actions.ts#deleteSsoProviderAction": action(
    "Deletes one of the organisation's identity providers, its links and its sessions; owners only.",
    owners,
  ),
  "app/(console)/settings/actions.ts#startSsoTestAction": action(
    "Starts Test sign-in against one of the organisation's identity providers: answers the provider's URL, changes nothing; owners only.",
    owners,
  ),
  "app/(console)/settings/actions.ts#createWebhookEndpointAction": action(
    "Adds a webhook endpoint to the actor's organisation; signing secret shown once.",
    manage,
  ),
  "app/(console)/settings/actions.ts#sendTestEventAction": action(
    "Sends a test event to one of the organisation's endpoints, at once.",
    manage,
  ),
  "app/(console)/settings/actions.ts#retryDeliveryAction": action(
    "Retries a failed delivery of the organisation, at once.",
    manage,
  ),
  "app/(console)/settings/actions.ts#disableWebhookEndpointAction": action(
    "Disables an endpoint; its pending deliveries fail.",
    manage,
  ),
  "app/(console)/settings/actions.ts#enableWebhookEndpointAction": action(
    "Enables a disabled endpoint.",
    manage,
  ),
  "app/(console)/settings/actions.ts#deleteWebhookEndpointAction": action(
    "Deletes an endpoint and its delivery log.",
    manage,
  ),

  // Public by design
  "app/invite/[token]/actions.ts#acceptInvitationAction": action(
    "Sets an invited person's password: the link's token is the credential, whoever holds it; a used, expired or made-up token gets one message.",
    open,
  ),
  "app/login/actions.ts#signInWithPasswordAction": action(
    "Signs in with email and password (throttled per account and address); another person's account without their password gets the answer an unknown account gets.",
    open,
  ),
  "app/login/actions.ts#signInWithSsoAction": action(
    "Starts the OpenID Connect redirect; takes no input. Only existing accounts, matched by verified email, get in (app/_server/auth.ts).",
    open,
  ),

  "app/login/actions.ts#signInWithOrgSsoAction": action(
    "Email-first single sign-on: sends the browser to the provider of the organisation claiming the email's domain; the identity is judged when it returns (lib/auth/sso.ts).",
    open,
  ),

  // Route handlers
  "GET /api/auth/[...nextauth]": route(
    "Auth.js: CSRF token, session, providers, sign-in pages. Reveals only the caller's own session.",
    open,
  ),
  "POST /api/auth/[...nextauth]": route(
    "Auth.js: sign-in callback (credentials, OIDC) and sign-out; another person's account without their password is refused.",
    open,
  ),
  "GET /api/board": route(
    "The membership board's data for the caller's organisation (read-only for members); the org preference cookie cannot name an organisation the caller is not in.",
    read,
  ),
  "GET /api/health": route(
    "Up or down, for load balancers; says nothing about any organisation.",
    open,
  ),
  "POST /api/v1/authorize": route(
    "The gateway asks whether a request may pass; keys and people of another organisation are unknown (key_unknown, user_unknown).",
    gatewayOnly,
  ),
  "POST /api/v1/usage": route(
    "The gateway reports usage; events naming another organisation's key or member are rejected with the unknown-id reason.",
    gatewayOnly,
  ),
  "GET /scim/v2/[[...path]]": route(
    "SCIM reads: discovery, Users and Groups of the token's organisation; another organisation's ids are not found, and its people match no filter.",
    scimOnly,
  ),
  "POST /scim/v2/[[...path]]": route(
    "SCIM creates users and groups in the token's organisation; a member id of another organisation is refused like an unknown one.",
    scimOnly,
  ),
  "PUT /scim/v2/[[...path]]": route(
    "SCIM replaces a user or group of the token's organisation; another organisation's ids are not found.",
    scimOnly,
  ),
  "PATCH /scim/v2/[[...path]]": route(
    "SCIM patches a user or group of the token's organisation; another organisation's ids are not found.",
    scimOnly,
  ),
  "DELETE /scim/v2/[[...path]]": route(
    "SCIM deprovisions (suspends) a user or releases a group of the token's organisation; another organisation's ids are not found.",
    scimOnly,
  ),
  "GET /audit/export": route(
    "The audit log as CSV for owners and admins (members 403); filters never reach beyond the actor's organisation.",
    { ...consoleOnly, member: refused, admin: allowed, owner: allowed },
  ),
  "GET /reviews/[id]/report": route(
    "An access review of the actor's organisation as CSV for owners and admins (members 403); another organisation's review is not found.",
    { ...consoleOnly, member: refused, admin: allowed, owner: allowed },
  ),
};
