import { connectPostgres } from "@/db/connect";
import { syncModelCatalogue } from "@/lib/models/sync";
import { TEMPLATE_DATABASE, databaseUrl } from "./database-url";

// With DATABASE_URL, migrate a template database once; each test file then gets its own copy
// (CREATE DATABASE … TEMPLATE), which takes a fraction of a second.
export default async function setup() {
  const base = process.env.DATABASE_URL;
  if (!base) return;
  const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const template = await connectPostgres(databaseUrl(base, TEMPLATE_DATABASE), { max: 1 });
  try {
    await template.migrate();
    await syncModelCatalogue(template.db);
  } finally {
    await template.close();
  }
}
