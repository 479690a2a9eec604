import { randomBytes, randomUUID } from "node:crypto";
import { signOutAction, switchOrganisation } from "@/app/(console)/actions";
import { markAlertsReadAction } from "@/app/(console)/alerts/actions";
import {
  archiveGroupAction,
  createGroupAction,
  moveGroupAction,
  restoreGroupAction,
  setGroupBudgetAction,
  updateGroupAction,
} from "@/app/(console)/groups/actions";
import {
  addMembersAction,
  moveMembersAction,
  previewAddMembersAction,
  removeMembersAction,
  revertMembershipChangeAction,
} from "@/app/(console)/groups/membership-actions";
import {
  assignKeyAction,
  createKeyAction,
  revokeKeyAction,
  rotateKeyAction,
  restrictKeyAction,
  unassignKeyAction,
  updateKeyAction,
} from "@/app/(console)/keys/actions";
import {
  addMemberAction,
  changeMemberRoleAction,
  matchingMemberIdsAction,
  reactivateMemberAction,
  removeMemberAction,
  setSpendingLimitAction,
  signOutEverywhereAction,
  suspendMemberAction,
} from "@/app/(console)/members/actions";
import {
  createGatewayTokenAction,
  createScimTokenAction,
  createSsoProviderAction,
  createWebhookEndpointAction,
  deleteSsoProviderAction,
  deleteWebhookEndpointAction,
  disableWebhookEndpointAction,
  enableWebhookEndpointAction,
  retryDeliveryAction,
  revokeGatewayTokenAction,
  revokeScimTokenAction,
  sendTestEventAction,
  setSsoProviderEnabledAction,
  startSsoTestAction,
  unlinkSsoIdentitiesAction,
  setOrgTimeZoneAction,
  setAnomalySettingsAction,
  updateDirectorySettingsAction,
  updateSsoPolicyAction,
  updateSsoProviderAction,
} from "@/app/(console)/settings/actions";
import { acceptInvitationAction } from "@/app/invite/[token]/actions";
import { dismissRecommendationAction } from "@/app/(console)/recommendations/actions";
import {
  createRuleAction,
  deleteRuleAction,
  liftRuleExceptionAction,
  previewRuleAction,
} from "@/app/(console)/groups/rules/actions";
import {
  cancelAccessReviewAction,
  completeAccessReviewAction,
  decideReviewItemsAction,
  setGroupReviewerAction,
  startAccessReviewAction,
} from "@/app/(console)/reviews/actions";
import {
  importMembersAction,
  previewMemberImportAction,
  undoMemberImportAction,
} from "@/app/(console)/members/import/actions";
import { removeRateLimitAction, setRateLimitAction } from "@/app/(console)/rate-limit-actions";
import {
  removeBudgetWindowAction,
  setBudgetWindowAction,
} from "@/app/(console)/budget-window-actions";
import {
  createModelListAction,
  deleteModelListAction,
  setModelListAttachedAction,
  updateModelListAction,
} from "@/app/(console)/models/actions";
import {
  signInWithOrgSsoAction,
  signInWithPasswordAction,
  signInWithSsoAction,
} from "@/app/login/actions";
import { ssoIdentities } from "@/db/schema";
import { startSession } from "@/lib/auth/sessions";
import { acceptInvitation } from "@/lib/members/commands";
import { redirectTarget, state } from "./fakes";
import { type OrgWorld, PASSWORD, type Person } from "./world";

const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Sydney"];
let zoneTurn = 0;
const SENSITIVITIES = ["low", "high", "off", "medium"];
let sensitivityTurn = 0;

// Every server action, as the harness calls it: how to build a valid input from fresh resources
// of an organisation, and how to read its answer. All answers are brought to one shape.

export interface Answer {
  ok: boolean;
  error?: string;
  fieldErrors?: Record<string, string>;
  data?: unknown;
  /** Where a redirect thrown by the action pointed. */
  redirect?: string;
}

export interface InputContext {
  /** The organisation whose resources the input names. */
  w: OrgWorld;
  /** The caller (a person of organisation A), or null when there is none. */
  me: Person | null;
  /** "own": w is the caller's organisation A; "other": w is another organisation B. */
  side: "own" | "other";
}

export interface ActionCase {
  /** The key of security/authorization-matrix.ts. */
  id: string;
  /** Calls the exported action with `input` and brings its answer to one shape. */
  run(input: unknown): Promise<Answer>;
  /** A valid input made of fresh resources of `w`. */
  input(context: InputContext): Promise<unknown>;
  /**
   * How another organisation's ids enter the input: "ids", in place of the own ones (the answer
   * must equal the one for unknown ids); "none", the action takes no ids, so B's org id is slipped
   * into the input (and must be ignored).
   */
  foreign: "ids" | "none";
  /** The same input with every id of another organisation replaced by unknown ones. */
  unknown?(input: unknown): unknown;
  /** Reads: the data answered for foreign ids must equal the data for unknown ids too. */
  compareData?: boolean;
  /** An allowed call changes the caller's organisation (checked by its fingerprint). */
  writes: boolean;
  /** For hostile input: the shape of a valid input, as a template to mutate. */
  fields?: string[];
}

/** Runs an action, turning a thrown redirect into an answer; anything else thrown propagates. */
async function settle(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    const target = redirectTarget(error);
    if (target === null) throw error;
    return { redirect: target };
  }
}

/** Actions wrapped by app/_server/action.ts answer an ActionResult. */
const wrapped =
  (fn: (input: never) => Promise<unknown>) =>
  async (input: unknown): Promise<Answer> => {
    const result = (await settle(() => fn(input as never))) as Answer & { redirect?: string };
    if (result.redirect) return { ok: false, redirect: result.redirect };
    return result;
  };

// What a browser's form would carry for a value: text, or a file.
const asText = (value: unknown) => {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
};

const form = (values: Record<string, unknown>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values ?? {})) {
    if (v === undefined) continue;
    data.append(k, v instanceof Blob ? v : asText(v));
  }
  return data;
};

/** Form actions (useActionState) answer { error?, fieldErrors? } or redirect on success. */
const formAction =
  (
    fn: (state: never, data: FormData) => Promise<unknown>,
    success: (redirect: string) => boolean,
  ) =>
  async (input: unknown): Promise<Answer> => {
    const data = input instanceof FormData ? input : form((input ?? {}) as Record<string, unknown>);
    const result = (await settle(() => fn({} as never, data))) as {
      redirect?: string;
      error?: string;
      fieldErrors?: Record<string, string>;
    };
    if (result.redirect !== undefined)
      return success(result.redirect)
        ? { ok: true, redirect: result.redirect }
        : { ok: false, redirect: result.redirect };
    return {
      ok: false,
      error: result.error ?? Object.values(result.fieldErrors ?? {})[0],
      fieldErrors: result.fieldErrors,
    };
  };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Replaces every uuid in a value by a fresh one (the same uuid by the same replacement). */
export function withUnknownIds(value: unknown, map = new Map<string, string>()): unknown {
  if (typeof value === "string" && UUID.test(value)) {
    if (!map.has(value)) map.set(value, randomUUID());
    return map.get(value);
  }
  if (Array.isArray(value)) return value.map((v) => withUnknownIds(v, map));
  if (value && typeof value === "object" && !(value instanceof FormData))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknownIds(v, map)]));
  return value;
}

let n = 0;
const fresh = (label: string) => `${label} ${++n}-${randomUUID().slice(0, 4)}`;

const ACTIONS = "app/(console)";

export const actionCases: ActionCase[] = [
  {
    id: `${ACTIONS}/actions.ts#switchOrganisation`,
    run: async (input) => {
      const result = (await settle(() => switchOrganisation(input as string))) as Answer;
      if (result?.redirect !== undefined)
        return { ok: result.redirect === "/groups", redirect: result.redirect };
      return result ?? { ok: false, error: "no answer" };
    },
    input: async ({ w }) => w.org.id,
    foreign: "ids",
    writes: false,
  },
  {
    id: `${ACTIONS}/actions.ts#signOutAction`,
    run: async () => {
      const result = (await settle(() => signOutAction())) as { redirect?: string };
      return { ok: result?.redirect === "/login", redirect: result?.redirect };
    },
    input: async () => null,
    foreign: "none",
    writes: false,
  },
  {
    id: `${ACTIONS}/alerts/actions.ts#markAlertsReadAction`,
    run: wrapped(markAlertsReadAction),
    input: async ({ w }) => {
      await w.alert();
      return null;
    },
    foreign: "none",
    writes: true,
  },

  // Groups
  {
    id: `${ACTIONS}/groups/actions.ts#createGroupAction`,
    run: wrapped(createGroupAction),
    input: async ({ w }) => ({
      name: fresh("Group"),
      kind: "custom",
      description: "made by the security suite",
      parentId: await w.group(),
    }),
    foreign: "ids",
    writes: true,
    fields: ["name", "kind", "description", "parentId", "endsOn", "isDefault"],
  },
  {
    id: `${ACTIONS}/groups/actions.ts#updateGroupAction`,
    run: wrapped(updateGroupAction),
    input: async ({ w }) => ({ groupId: await w.group(), name: fresh("Renamed"), kind: "project" }),
    foreign: "ids",
    writes: true,
    fields: ["groupId", "name", "kind", "description", "endsOn", "isDefault"],
  },
  {
    id: `${ACTIONS}/groups/actions.ts#moveGroupAction`,
    run: wrapped(moveGroupAction),
    input: async ({ w }) => ({ groupId: await w.group(), parentId: await w.group() }),
    foreign: "ids",
    writes: true,
    fields: ["groupId", "parentId"],
  },
  {
    id: `${ACTIONS}/groups/actions.ts#archiveGroupAction`,
    run: wrapped(archiveGroupAction),
    input: async ({ w }) => ({ groupId: await w.group() }),
    foreign: "ids",
    writes: true,
    fields: ["groupId"],
  },
  {
    id: `${ACTIONS}/groups/actions.ts#restoreGroupAction`,
    run: wrapped(restoreGroupAction),
    input: async ({ w }) => ({ groupId: await w.group({ archived: true }) }),
    foreign: "ids",
    writes: true,
    fields: ["groupId"],
  },
  {
    id: `${ACTIONS}/groups/actions.ts#setGroupBudgetAction`,
    run: wrapped(setGroupBudgetAction),
    input: async ({ w }) => ({
      groupId: await w.group(),
      budgetDollars: "250",
      mode: "hard",
      thresholds: "50, 100",
    }),
    foreign: "ids",
    writes: true,
    fields: ["groupId", "budgetDollars", "mode", "thresholds"],
  },

  // Memberships
  {
    id: `${ACTIONS}/groups/membership-actions.ts#moveMembersAction`,
    run: wrapped(moveMembersAction),
    input: async ({ w }) => {
      const [from, to, p] = [await w.group(), await w.group(), await w.person()];
      await w.join(from, p.memberId);
      return { memberIds: [p.memberId], fromGroupId: from, toGroupId: to };
    },
    foreign: "ids",
    writes: true,
    fields: ["memberIds", "fromGroupId", "toGroupId", "keepOutOfRules"],
  },
  {
    id: `${ACTIONS}/groups/membership-actions.ts#addMembersAction`,
    run: wrapped(addMembersAction),
    input: async ({ w }) => ({
      memberIds: [(await w.person()).memberId],
      groupIds: [await w.group()],
    }),
    foreign: "ids",
    writes: true,
    fields: ["memberIds", "groupIds"],
  },
  {
    id: `${ACTIONS}/groups/membership-actions.ts#removeMembersAction`,
    run: wrapped(removeMembersAction),
    input: async ({ w }) => {
      const [g, p] = [await w.group(), await w.person()];
      await w.join(g, p.memberId);
      return { memberIds: [p.memberId], groupIds: [g] };
    },
    foreign: "ids",
    writes: true,
    fields: ["memberIds", "groupIds", "keepOutOfRules"],
  },
  {
    id: `${ACTIONS}/groups/membership-actions.ts#revertMembershipChangeAction`,
    run: wrapped(revertMembershipChangeAction),
    input: async ({ w }) => {
      const [g, p, h] = [await w.group(), await w.person(), await w.group()];
      await w.join(g, p.memberId);
      return {
        added: [{ groupId: g, memberId: p.memberId }],
        removed: [{ groupId: h, memberId: p.memberId }],
      };
    },
    foreign: "ids",
    compareData: true,
    writes: true,
    fields: ["added", "removed"],
  },
  {
    id: `${ACTIONS}/groups/membership-actions.ts#previewAddMembersAction`,
    run: wrapped(previewAddMembersAction),
    input: async ({ w }) => ({
      memberIds: [(await w.person()).memberId],
      groupIds: [await w.group()],
    }),
    foreign: "ids",
    compareData: true,
    writes: false,
    fields: ["memberIds", "groupIds"],
  },
  {
    id: `${ACTIONS}/groups/rules/actions.ts#previewRuleAction`,
    run: wrapped(previewRuleAction),
    input: async ({ w }) => ({
      name: "Finance people",
      attribute: "department",
      values: "finance",
      groupIds: [await w.group()],
    }),
    foreign: "ids",
    compareData: true,
    writes: false,
    fields: ["name", "attribute", "values", "groupIds"],
  },
  {
    id: `${ACTIONS}/groups/rules/actions.ts#createRuleAction`,
    run: wrapped(createRuleAction),
    input: async ({ w }) => ({
      name: `Rule ${randomUUID().slice(0, 8)}`,
      attribute: "email_domain",
      values: [w.slug + ".test"],
      groupIds: [await w.group()],
      applyToExisting: true,
    }),
    foreign: "ids",
    writes: true,
    fields: ["name", "attribute", "values", "groupIds", "applyToExisting"],
  },
  {
    id: `${ACTIONS}/groups/rules/actions.ts#deleteRuleAction`,
    run: wrapped(deleteRuleAction),
    input: async ({ w }) => ({ ruleId: await w.rule() }),
    foreign: "ids",
    writes: true,
    fields: ["ruleId"],
  },
  {
    id: `${ACTIONS}/groups/rules/actions.ts#liftRuleExceptionAction`,
    run: wrapped(liftRuleExceptionAction),
    input: async ({ w }) => {
      const [g, p] = [await w.group(), await w.person()];
      await w.keepOut(g, p.memberId);
      return { groupId: g, memberId: p.memberId };
    },
    foreign: "ids",
    writes: true,
    fields: ["groupId", "memberId"],
  },

  // API keys
  {
    id: `${ACTIONS}/keys/actions.ts#createKeyAction`,
    run: wrapped(createKeyAction),
    input: async () => ({
      name: fresh("key"),
      features: ["streaming"],
      allowedModels: [],
      loadBalancing: "none",
      monthlyLimitDollars: "100",
    }),
    foreign: "none",
    writes: true,
    fields: [
      "name",
      "features",
      "allowedModels",
      "fallbackModels",
      "loadBalancing",
      "weights",
      "expiresOn",
      "monthlyLimitDollars",
    ],
  },
  {
    id: `${ACTIONS}/keys/actions.ts#updateKeyAction`,
    run: wrapped(updateKeyAction),
    input: async ({ w }) => ({
      keyId: (await w.key()).id,
      name: fresh("key"),
      loadBalancing: "none",
    }),
    foreign: "ids",
    writes: true,
    fields: [
      "keyId",
      "name",
      "features",
      "allowedModels",
      "fallbackModels",
      "loadBalancing",
      "weights",
      "expiresOn",
      "monthlyLimitDollars",
    ],
  },
  {
    id: `${ACTIONS}/keys/actions.ts#revokeKeyAction`,
    run: wrapped(revokeKeyAction),
    input: async ({ w }) => ({ keyId: (await w.key()).id }),
    foreign: "ids",
    writes: true,
    fields: ["keyId"],
  },
  {
    id: `${ACTIONS}/keys/actions.ts#rotateKeyAction`,
    run: wrapped(rotateKeyAction),
    input: async ({ w }) => ({ keyId: (await w.key()).id }),
    foreign: "ids",
    writes: true,
    fields: ["keyId"],
  },
  {
    id: `${ACTIONS}/keys/actions.ts#assignKeyAction`,
    run: wrapped(assignKeyAction),
    input: async ({ w }) => ({ keyId: (await w.key()).id, groupIds: [await w.group()] }),
    foreign: "ids",
    writes: true,
    fields: ["keyId", "groupIds"],
  },
  {
    id: `${ACTIONS}/keys/actions.ts#restrictKeyAction`,
    run: wrapped(restrictKeyAction),
    input: async ({ w }) => ({ keyId: (await w.key()).id, models: ["o3"] }),
    foreign: "ids",
    writes: true,
    fields: ["keyId", "features", "models"],
  },
  {
    id: `${ACTIONS}/keys/actions.ts#unassignKeyAction`,
    run: wrapped(unassignKeyAction),
    input: async ({ w }) => {
      const g = await w.group();
      return { keyId: (await w.key([g])).id, groupIds: [g] };
    },
    foreign: "ids",
    writes: true,
    fields: ["keyId", "groupIds"],
  },

  // Members
  {
    id: `${ACTIONS}/members/actions.ts#addMemberAction`,
    run: wrapped(addMemberAction),
    input: async ({ w }) => ({
      email: `${fresh("new").replace(/\W/g, "-")}@${w.slug}.test`,
      name: "New Person",
      role: "member",
      access: "invite",
    }),
    foreign: "none",
    writes: true,
    fields: ["email", "name", "role", "access", "password"],
  },
  {
    id: `${ACTIONS}/members/import/actions.ts#previewMemberImportAction`,
    run: wrapped(previewMemberImportAction),
    input: async ({ w }) => ({
      csv: `email\n${fresh("csv").replace(/\W/g, "-")}@${w.slug}.test\n`,
      mapping: null,
    }),
    foreign: "none",
    writes: false,
    fields: ["csv", "fileName", "mapping"],
  },
  {
    id: `${ACTIONS}/members/import/actions.ts#importMembersAction`,
    run: wrapped(importMembersAction),
    input: async ({ w }) => ({
      csv: `email\n${fresh("csv").replace(/\W/g, "-")}@${w.slug}.test\n`,
      mapping: { email: 0, name: null, role: null, groups: null, parent: null },
    }),
    foreign: "none",
    writes: true,
    fields: ["csv", "fileName", "mapping"],
  },
  {
    id: `${ACTIONS}/members/import/actions.ts#undoMemberImportAction`,
    run: wrapped(undoMemberImportAction),
    input: async ({ w }) => ({ importId: await w.memberImport() }),
    foreign: "ids",
    writes: true,
    fields: ["importId"],
  },
  {
    id: `${ACTIONS}/recommendations/actions.ts#dismissRecommendationAction`,
    run: wrapped(dismissRecommendationAction),
    // Ids of nothing in particular: a dismissal names advice, which may or may not be given.
    input: async () => ({ kind: "remove_idle_member", subject: `${randomUUID()}/${randomUUID()}` }),
    foreign: "none",
    writes: true,
    fields: ["kind", "subject"],
  },
  {
    id: `${ACTIONS}/reviews/actions.ts#startAccessReviewAction`,
    run: wrapped(startAccessReviewAction),
    input: async ({ w }) => ({
      name: "Quarterly review",
      dueOn: "2099-12-31",
      groupIds: [await w.group()],
      includeKeys: true,
      reviewerMemberId: w.admin.memberId,
      applyMode: "at_end",
    }),
    foreign: "ids",
    writes: true,
    fields: ["name", "dueOn", "groupIds", "includeKeys", "reviewerMemberId", "applyMode"],
  },
  {
    id: `${ACTIONS}/reviews/actions.ts#decideReviewItemsAction`,
    run: wrapped(decideReviewItemsAction),
    // The caller reviews the group, when it is an admin of the review's organisation.
    input: async ({ w, me, side }) => {
      const reviewer = side === "own" && me && me.role !== "member" ? me.memberId : undefined;
      const review = await w.review({ reviewerMemberId: reviewer });
      return { reviewId: review.reviewId, itemIds: review.itemIds, decision: "remove", note: "" };
    },
    foreign: "ids",
    writes: true,
    fields: ["reviewId", "itemIds", "decision", "note"],
  },
  {
    id: `${ACTIONS}/reviews/actions.ts#setGroupReviewerAction`,
    run: wrapped(setGroupReviewerAction),
    input: async ({ w }) => {
      const review = await w.review();
      return {
        reviewId: review.reviewId,
        groupId: review.groupId,
        reviewerMemberId: w.owner.memberId,
      };
    },
    foreign: "ids",
    writes: true,
    fields: ["reviewId", "groupId", "reviewerMemberId"],
  },
  {
    id: `${ACTIONS}/reviews/actions.ts#completeAccessReviewAction`,
    run: wrapped(completeAccessReviewAction),
    input: async ({ w }) => ({ reviewId: (await w.review({ people: false })).reviewId }),
    foreign: "ids",
    writes: true,
    fields: ["reviewId"],
  },
  {
    id: `${ACTIONS}/reviews/actions.ts#cancelAccessReviewAction`,
    run: wrapped(cancelAccessReviewAction),
    input: async ({ w }) => ({ reviewId: (await w.review()).reviewId }),
    foreign: "ids",
    writes: true,
    fields: ["reviewId"],
  },
  {
    id: `${ACTIONS}/members/actions.ts#changeMemberRoleAction`,
    run: wrapped(changeMemberRoleAction),
    input: async ({ w }) => ({ memberId: (await w.person()).memberId, role: "admin" }),
    foreign: "ids",
    writes: true,
    fields: ["memberId", "role"],
  },
  {
    id: `${ACTIONS}/members/actions.ts#setSpendingLimitAction`,
    run: wrapped(setSpendingLimitAction),
    input: async ({ w }) => ({ memberId: (await w.person()).memberId, limitDollars: "40" }),
    foreign: "ids",
    writes: true,
    fields: ["memberId", "limitDollars"],
  },
  {
    id: `${ACTIONS}/members/actions.ts#suspendMemberAction`,
    run: wrapped(suspendMemberAction),
    input: async ({ w }) => ({ memberId: (await w.person()).memberId }),
    foreign: "ids",
    writes: true,
    fields: ["memberId"],
  },
  {
    id: `${ACTIONS}/members/actions.ts#reactivateMemberAction`,
    run: wrapped(reactivateMemberAction),
    input: async ({ w }) => ({ memberId: (await w.suspended()).memberId }),
    foreign: "ids",
    writes: true,
    fields: ["memberId"],
  },
  {
    id: `${ACTIONS}/members/actions.ts#removeMemberAction`,
    run: wrapped(removeMemberAction),
    input: async ({ w }) => ({ memberId: (await w.person()).memberId }),
    foreign: "ids",
    writes: true,
    fields: ["memberId"],
  },
  {
    id: `${ACTIONS}/members/actions.ts#matchingMemberIdsAction`,
    run: wrapped(matchingMemberIdsAction),
    input: async ({ w }) => {
      const [g, p] = [await w.group(), await w.person()];
      await w.join(g, p.memberId);
      return { q: "", groupId: g };
    },
    foreign: "ids",
    compareData: true,
    writes: false,
    fields: ["q", "groupId", "notInGroupId", "role", "status", "sort", "dir", "page", "pageSize"],
  },
  {
    id: `${ACTIONS}/members/actions.ts#signOutEverywhereAction`,
    run: wrapped(signOutEverywhereAction),
    input: async ({ w }) => {
      const p = await w.person();
      await startSession(state.db!, p.userId);
      return { memberId: p.memberId };
    },
    foreign: "ids",
    writes: true,
    fields: ["memberId"],
  },

  // Rate limits
  {
    id: `${ACTIONS}/rate-limit-actions.ts#setRateLimitAction`,
    run: wrapped(setRateLimitAction),
    input: async ({ w }) => ({
      target: { kind: "group", id: await w.group(), perMember: true },
      modelPattern: "claude-opus-*",
      requestsPerMinute: 60,
      requestsPerDay: "",
    }),
    foreign: "ids",
    writes: true,
    fields: ["target", "modelPattern", "requestsPerMinute", "requestsPerDay"],
  },
  {
    id: `${ACTIONS}/rate-limit-actions.ts#removeRateLimitAction`,
    run: wrapped(removeRateLimitAction),
    input: async ({ w }) => ({ rateLimitId: await w.rateLimit() }),
    foreign: "ids",
    writes: true,
    fields: ["rateLimitId"],
  },

  // Budget windows
  {
    id: `${ACTIONS}/budget-window-actions.ts#setBudgetWindowAction`,
    run: wrapped(setBudgetWindowAction),
    input: async ({ w }) => ({
      target: { kind: "group", id: await w.group() },
      period: "days",
      days: "7",
      amount: "500",
      mode: "hard",
      raisedAmount: "",
      raisedUntil: "",
    }),
    foreign: "ids",
    writes: true,
    fields: ["target", "period", "days", "amount", "mode", "raisedAmount", "raisedUntil"],
  },
  {
    id: `${ACTIONS}/budget-window-actions.ts#removeBudgetWindowAction`,
    run: wrapped(removeBudgetWindowAction),
    input: async ({ w }) => ({ budgetWindowId: await w.budgetWindow() }),
    foreign: "ids",
    writes: true,
    fields: ["budgetWindowId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#setOrgTimeZoneAction`,
    run: wrapped(setOrgTimeZoneAction),
    // Another zone each call: setting the zone it already has changes nothing.
    input: async () => ({ timeZone: ZONES[zoneTurn++ % ZONES.length]! }),
    foreign: "none",
    writes: true,
    fields: ["timeZone"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#setAnomalySettingsAction`,
    run: wrapped(setAnomalySettingsAction),
    // Another sensitivity each call: saving what is set changes nothing.
    input: async () => ({
      sensitivity: SENSITIVITIES[sensitivityTurn++ % SENSITIVITIES.length]!,
      minSpend: "2.50",
    }),
    foreign: "none",
    writes: true,
    fields: ["sensitivity", "minSpend"],
  },

  // Model lists
  {
    id: `${ACTIONS}/models/actions.ts#createModelListAction`,
    run: wrapped(createModelListAction),
    input: async () => ({
      name: fresh("frontier"),
      sense: "allow",
      patterns: "claude-opus-*\ngpt-4.1",
    }),
    foreign: "none",
    writes: true,
    fields: ["name", "sense", "patterns"],
  },
  {
    id: `${ACTIONS}/models/actions.ts#updateModelListAction`,
    run: wrapped(updateModelListAction),
    input: async ({ w }) => ({
      listId: await w.modelList(),
      name: fresh("cheap"),
      sense: "deny",
      patterns: ["o3"],
    }),
    foreign: "ids",
    writes: true,
    fields: ["listId", "name", "sense", "patterns"],
  },
  {
    id: `${ACTIONS}/models/actions.ts#deleteModelListAction`,
    run: wrapped(deleteModelListAction),
    input: async ({ w }) => ({ listId: await w.modelList() }),
    foreign: "ids",
    writes: true,
    fields: ["listId"],
  },
  {
    id: `${ACTIONS}/models/actions.ts#setModelListAttachedAction`,
    run: wrapped(setModelListAttachedAction),
    input: async ({ w }) => ({
      listId: await w.modelList(),
      target: { kind: "key", id: (await w.key()).id },
      attached: true,
    }),
    foreign: "ids",
    writes: true,
    fields: ["listId", "target", "attached"],
  },

  // Settings
  {
    id: `${ACTIONS}/settings/actions.ts#createGatewayTokenAction`,
    run: wrapped(createGatewayTokenAction),
    input: async () => ({ name: fresh("edge") }),
    foreign: "none",
    writes: true,
    fields: ["name"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#revokeGatewayTokenAction`,
    run: wrapped(revokeGatewayTokenAction),
    input: async ({ w }) => ({ tokenId: (await w.token()).id }),
    foreign: "ids",
    writes: true,
    fields: ["tokenId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#createScimTokenAction`,
    run: wrapped(createScimTokenAction),
    input: async () => ({ name: fresh("okta") }),
    foreign: "none",
    writes: true,
    fields: ["name"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#revokeScimTokenAction`,
    run: wrapped(revokeScimTokenAction),
    input: async ({ w }) => ({ tokenId: (await w.scimToken()).id }),
    foreign: "ids",
    writes: true,
    fields: ["tokenId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#updateDirectorySettingsAction`,
    run: wrapped(updateDirectorySettingsAction),
    input: async () => ({ linkGroupsByName: true }),
    foreign: "none",
    writes: true,
    fields: ["linkGroupsByName"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#updateSsoPolicyAction`,
    run: wrapped(updateSsoPolicyAction),
    // Passwords stay allowed: the harness signs people in with them after this call.
    input: async () => ({
      ssoRequired: false,
      breakGlassMemberId: null,
      jitProvisioning: true,
      emailDomains: [`${randomUUID().slice(0, 8)}.example.test`],
    }),
    foreign: "none",
    writes: true,
    fields: ["ssoRequired", "breakGlassMemberId", "jitProvisioning", "emailDomains"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#unlinkSsoIdentitiesAction`,
    run: wrapped(unlinkSsoIdentitiesAction),
    input: async ({ w }) => {
      const p = await w.person();
      await state.db!.insert(ssoIdentities).values({
        userId: p.userId,
        issuer: "https://idp.example.test",
        subject: randomUUID(),
      });
      return { memberId: p.memberId };
    },
    foreign: "ids",
    writes: true,
    fields: ["memberId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#createSsoProviderAction`,
    run: wrapped(createSsoProviderAction),
    input: async () => ({
      name: fresh("idp"),
      issuer: "https://login.example.test/tenant",
      clientId: "gatehouse",
      clientSecret: "a-client-secret",
      trustEmailsForOrgDomains: false,
      enabled: true,
    }),
    foreign: "none",
    writes: true,
    fields: ["name", "issuer", "clientId", "clientSecret", "trustEmailsForOrgDomains", "enabled"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#updateSsoProviderAction`,
    run: wrapped(updateSsoProviderAction),
    input: async ({ w }) => ({
      providerId: await w.ssoProvider(),
      name: fresh("idp"),
      issuer: "https://login.example.test/renamed",
      clientId: "gatehouse",
      clientSecret: "",
      trustEmailsForOrgDomains: true,
      enabled: true,
    }),
    foreign: "ids",
    writes: true,
    fields: [
      "providerId",
      "name",
      "issuer",
      "clientId",
      "clientSecret",
      "trustEmailsForOrgDomains",
      "enabled",
    ],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#setSsoProviderEnabledAction`,
    run: wrapped(setSsoProviderEnabledAction),
    input: async ({ w }) => ({ providerId: await w.ssoProvider(), enabled: false }),
    foreign: "ids",
    writes: true,
    fields: ["providerId", "enabled"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#deleteSsoProviderAction`,
    run: wrapped(deleteSsoProviderAction),
    input: async ({ w }) => ({ providerId: await w.ssoProvider() }),
    foreign: "ids",
    writes: true,
    fields: ["providerId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#startSsoTestAction`,
    run: wrapped(startSsoTestAction),
    input: async ({ w }) => ({ providerId: await w.ssoProvider() }),
    foreign: "ids",
    writes: false,
    fields: ["providerId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#createWebhookEndpointAction`,
    run: wrapped(createWebhookEndpointAction),
    input: async () => ({
      url: "https://hooks.example.test/new",
      description: fresh("receiver"),
      events: ["budget.threshold_crossed"],
    }),
    foreign: "none",
    writes: true,
    fields: ["url", "description", "events"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#sendTestEventAction`,
    run: wrapped(sendTestEventAction),
    input: async ({ w }) => ({ endpointId: await w.endpoint() }),
    foreign: "ids",
    writes: true,
    fields: ["endpointId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#retryDeliveryAction`,
    run: wrapped(retryDeliveryAction),
    input: async ({ w }) => ({ deliveryId: await w.failedDelivery() }),
    foreign: "ids",
    writes: true,
    fields: ["deliveryId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#disableWebhookEndpointAction`,
    run: wrapped(disableWebhookEndpointAction),
    input: async ({ w }) => ({ endpointId: await w.endpoint() }),
    foreign: "ids",
    writes: true,
    fields: ["endpointId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#enableWebhookEndpointAction`,
    run: wrapped(enableWebhookEndpointAction),
    input: async ({ w }) => ({ endpointId: await w.endpoint({ disabled: true }) }),
    foreign: "ids",
    writes: true,
    fields: ["endpointId"],
  },
  {
    id: `${ACTIONS}/settings/actions.ts#deleteWebhookEndpointAction`,
    run: wrapped(deleteWebhookEndpointAction),
    input: async ({ w }) => ({ endpointId: await w.endpoint() }),
    foreign: "ids",
    writes: true,
    fields: ["endpointId"],
  },

  // Public by design
  {
    id: "app/invite/[token]/actions.ts#acceptInvitationAction",
    run: formAction(acceptInvitationAction, (to) => to === "/login?invited=1"),
    // Own: a live invitation's token. Other: another organisation's invitation whose link was
    // used already: the token no longer is a credential.
    input: async ({ w, side }) => {
      const { token } = await w.invitation();
      const password = "a brand new password";
      if (side === "other") await acceptInvitation(state.db!, { token, password });
      return { token, password, confirm: password };
    },
    unknown: (input) => ({
      ...(input as object),
      token: randomBytes(32).toString("base64url"),
    }),
    foreign: "ids",
    writes: true,
    fields: ["token", "password", "confirm"],
  },
  {
    id: "app/login/actions.ts#signInWithPasswordAction",
    run: formAction(signInWithPasswordAction, (to) => to === "/groups"),
    // Own: the caller's credentials (a member's for callers without an account). Other: the
    // account of a person of another organisation, without their password.
    input: async ({ w, me, side }) =>
      side === "own"
        ? { email: (me ?? w.member).email, password: PASSWORD }
        : { email: (await w.person("admin", { password: true })).email, password: "not-it-at-all" },
    unknown: (input) => ({
      ...(input as object),
      email: `nobody-${randomUUID().slice(0, 8)}@unknown.test`,
    }),
    foreign: "ids",
    writes: true,
    fields: ["email", "password", "callbackUrl"],
  },
  {
    id: "app/login/actions.ts#signInWithOrgSsoAction",
    // To the provider of the organisation claiming the email's domain (the same for every call).
    run: formAction(signInWithOrgSsoAction, (to) => to.startsWith("/api/auth/signin/sso-")),
    input: async ({ w }) => await w.ssoEmail(),
    foreign: "none",
    writes: false,
    fields: ["email", "providerId", "callbackUrl"],
  },
  {
    id: "app/login/actions.ts#signInWithSsoAction",
    run: async () => {
      const result = (await settle(() => signInWithSsoAction())) as { redirect?: string };
      return { ok: result?.redirect === "/api/auth/signin/oidc", redirect: result?.redirect };
    },
    input: async () => null,
    foreign: "none",
    writes: false,
  },
];
