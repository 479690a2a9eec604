// Bounds of a group's fields: the server's schema (./schemas.ts) and the form's maxLength both
// read them here, so that the form never accepts what the server refuses. No imports: client
// components use this file.
export const GROUP_NAME_MAX_LENGTH = 100;
export const GROUP_DESCRIPTION_MAX_LENGTH = 2000;
