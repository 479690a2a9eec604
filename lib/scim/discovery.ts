import { type AttributeDef, type ResourceSchema, groupSchema, userSchema } from "./attributes";
import { notFound } from "./errors";
import { MAX_COUNT } from "./query";
import {
  ENTERPRISE_SCHEMA,
  LIST_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_SCHEMA,
} from "./schema-ids";

// The discovery endpoints (RFC 7644 §4): what this server supports, its resource types and the
// schemas of their attributes, as published from lib/scim/attributes.ts.

export function serviceProviderConfig(base: string) {
  return {
    schemas: [SERVICE_PROVIDER_SCHEMA],
    documentationUri: `${base.replace(/\/scim\/v2$/, "")}/settings#directory-sync`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description:
          "A SCIM token of the organisation (Settings → Directory sync): Authorization: Bearer ghs_…",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

const resourceTypes = (base: string) => [
  {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "A member of the organisation.",
    schema: userSchema.id,
    schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
    meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
  },
  {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: "Group",
    name: "Group",
    endpoint: "/Groups",
    description: "A group whose direct membership the directory owns.",
    schema: groupSchema.id,
    schemaExtensions: [],
    meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
  },
];

const list = (resources: unknown[]) => ({
  schemas: [LIST_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

export function listResourceTypes(base: string, id?: string) {
  const all = resourceTypes(base);
  if (id === undefined) return list(all);
  const found = all.find((t) => t.id === id);
  if (!found) throw notFound(`Resource type ${id}`);
  return found;
}

function attribute(def: AttributeDef): Record<string, unknown> {
  return {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued ?? false,
    description: def.description,
    required: def.required ?? false,
    caseExact: def.caseExact ?? false,
    mutability: def.mutability ?? "readWrite",
    returned: def.returned ?? "default",
    uniqueness: def.uniqueness ?? "none",
    ...(def.type === "reference" ? { referenceTypes: def.referenceTypes ?? ["uri"] } : {}),
    ...(def.subAttributes ? { subAttributes: def.subAttributes.map(attribute) } : {}),
  };
}

const schemaResource = (
  base: string,
  s: { id: string; name: string; attributes: AttributeDef[] },
  description: string,
) => ({
  schemas: [SCHEMA_SCHEMA],
  id: s.id,
  name: s.name,
  description,
  attributes: s.attributes.map(attribute),
  meta: { resourceType: "Schema", location: `${base}/Schemas/${s.id}` },
});

function schemas(base: string) {
  const of = (s: ResourceSchema, description: string) => schemaResource(base, s, description);
  return [
    of(userSchema, "A member of the organisation."),
    ...userSchema.extensions.map((e) =>
      schemaResource(base, e, "Enterprise attributes of a user."),
    ),
    of(groupSchema, "A group of members."),
  ];
}

export function listSchemas(base: string, id?: string) {
  const all = schemas(base);
  if (id === undefined) return list(all);
  const found = all.find((s) => s.id === id);
  if (!found) throw notFound(`Schema ${id}`);
  return found;
}
