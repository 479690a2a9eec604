// The bounds of what people type, in one place: the server's zod schemas and the forms'
// maxLength both read them, so that a form never accepts what the server refuses. No imports:
// client components use this file.
export const FIELD_LIMITS = {
  groupName: 100,
  groupDescription: 2000,
  memberEmail: 254,
  memberName: 200,
  password: 1024,
  memberSearch: 200,
  keyName: 100,
  featureName: 40,
  gatewayTokenName: 100,
  webhookUrl: 2000,
  webhookDescription: 200,
  ssoProviderName: 100,
  ssoIssuer: 2000,
  ssoClientId: 500,
  ssoClientSecret: 2000,
  /** Dollar amounts as typed ("10,000,000.00"): the value's own bound is checked on the server. */
  dollars: 16,
} as const;
