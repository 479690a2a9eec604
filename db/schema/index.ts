export * from "./orgs";
export * from "./groups";
export * from "./keys";
export * from "./spend";
export * from "./audit";
export * from "./webhooks";
export * from "./sessions";
export * from "./sso";
