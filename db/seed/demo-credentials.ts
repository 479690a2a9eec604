// Sign-ins of the demo organisations (embedded database only; also in the README).
export const DEMO_ADMIN = { email: "admin@acme.test", password: "gatehouse-demo" } as const;
export const DEMO_MEMBER = { email: "member@acme.test", password: "gatehouse-demo" } as const;
export const DEMO_OTHER_ORG_ADMIN = {
  email: "admin@globex.test",
  password: "gatehouse-demo",
} as const;
