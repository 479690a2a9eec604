import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from "./schema-ids";

// The attributes Gatehouse keeps of each SCIM resource (RFC 7643 §4, §8.7.1), in one place: the
// Schemas endpoint publishes them, input is normalised by them (names matched regardless of case,
// as SCIM requires, and stored in their canonical spelling; "True"/"False" read as booleans), and
// filters compare strings by them (case-insensitively unless `caseExact`).

export interface AttributeDef {
  name: string;
  type: "string" | "boolean" | "complex" | "reference" | "dateTime";
  description: string;
  multiValued?: boolean;
  caseExact?: boolean;
  mutability?: "readOnly" | "readWrite" | "immutable" | "writeOnly";
  returned?: "always" | "never" | "default" | "request";
  uniqueness?: "none" | "server";
  required?: boolean;
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

const str = (name: string, description: string, extra: Partial<AttributeDef> = {}) =>
  ({ name, type: "string", description, ...extra }) as AttributeDef;

// value, display, type and primary: the sub-attributes of SCIM's multi-valued attributes.
const multi = (name: string, description: string, extra: Partial<AttributeDef> = {}) =>
  ({
    name,
    type: "complex",
    multiValued: true,
    description,
    subAttributes: [
      str("value", `The ${name} value.`),
      str("display", "A human-readable name."),
      str("type", "A label such as work or home."),
      { name: "primary", type: "boolean", description: "The primary value." },
    ],
    ...extra,
  }) as AttributeDef;

const common: AttributeDef[] = [
  str("id", "Gatehouse's identifier of the resource.", {
    caseExact: true,
    mutability: "readOnly",
    returned: "always",
    uniqueness: "server",
  }),
  str("externalId", "The identity provider's identifier of the resource.", { caseExact: true }),
];

export const userAttributes: AttributeDef[] = [
  ...common,
  str("userName", "The person's sign-in name: their email address.", {
    required: true,
    uniqueness: "server",
  }),
  {
    name: "name",
    type: "complex",
    description: "The components of the person's name.",
    subAttributes: [
      str("formatted", "The full name."),
      str("familyName", "The family name."),
      str("givenName", "The given name."),
      str("middleName", "The middle name."),
      str("honorificPrefix", "Such as Ms."),
      str("honorificSuffix", "Such as III."),
    ],
  },
  str("displayName", "The name shown in Gatehouse."),
  str("nickName", "A casual name."),
  str("title", "The person's job title."),
  str("userType", "Such as Employee or Contractor."),
  str("preferredLanguage", "As in an Accept-Language header."),
  str("locale", "Such as en-GB."),
  str("timezone", "Such as Europe/London."),
  {
    name: "active",
    type: "boolean",
    description: "False suspends the member: their sessions end and the gateway denies them.",
  },
  {
    name: "password",
    type: "string",
    mutability: "writeOnly",
    returned: "never",
    description: "Accepted and discarded: directory members sign in by single sign-on.",
  },
  multi("emails", "Email addresses."),
  multi("phoneNumbers", "Phone numbers."),
  multi("roles", "Roles in the identity provider (not Gatehouse roles)."),
  multi("groups", "The directory groups the person is a direct member of.", {
    mutability: "readOnly",
  }),
];

export const enterpriseAttributes: AttributeDef[] = [
  str("employeeNumber", "The employee number."),
  str("costCenter", "The cost centre."),
  str("organization", "The organisation."),
  str("division", "The division."),
  str("department", "The department."),
  {
    name: "manager",
    type: "complex",
    description: "The person's manager.",
    subAttributes: [
      str("value", "The manager's id.", { caseExact: true }),
      str("displayName", "The manager's name.", { mutability: "readOnly" }),
      { name: "$ref", type: "reference", description: "The manager's URI." },
    ],
  },
];

export const groupAttributes: AttributeDef[] = [
  ...common,
  str("displayName", "The group's name in Gatehouse.", { required: true }),
  {
    name: "members",
    type: "complex",
    multiValued: true,
    description: "The group's direct members (users).",
    subAttributes: [
      str("value", "The member's id.", { caseExact: true, mutability: "immutable" }),
      str("display", "The member's name.", { mutability: "readOnly" }),
      str("type", "User.", { mutability: "immutable" }),
      { name: "$ref", type: "reference", description: "The member's URI." },
    ],
  },
];

export interface ResourceSchema {
  id: string;
  name: string;
  attributes: AttributeDef[];
  /** Extension schemas, kept under their URN in the resource. */
  extensions: { id: string; name: string; attributes: AttributeDef[] }[];
}

export const userSchema: ResourceSchema = {
  id: USER_SCHEMA,
  name: "User",
  attributes: userAttributes,
  extensions: [{ id: ENTERPRISE_SCHEMA, name: "EnterpriseUser", attributes: enterpriseAttributes }],
};

export const groupSchema: ResourceSchema = {
  id: GROUP_SCHEMA,
  name: "Group",
  attributes: groupAttributes,
  extensions: [],
};

export const findAttribute = (defs: AttributeDef[] | undefined, name: string) =>
  defs?.find((d) => d.name.toLowerCase() === name.toLowerCase());
