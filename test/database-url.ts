// Test databases live beside the one DATABASE_URL names, on the same server.
export function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export const TEMPLATE_DATABASE = "gatehouse_test_template";
