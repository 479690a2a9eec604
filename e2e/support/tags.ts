/**
 * The journeys CI runs a second time on the embedded database (`npm run test:e2e:embedded`), one
 * or two per area of the console: what `npm start` users do first. The whole suite runs on
 * PostgreSQL.
 */
export const EMBEDDED = "@embedded";
