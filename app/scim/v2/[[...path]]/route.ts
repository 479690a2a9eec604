import { answerScim } from "@/app/_server/scim-api";

export const dynamic = "force-dynamic";

// SCIM 2.0 for identity providers (app/_server/scim-api.ts): a SCIM token of the organisation
// is the only credential it accepts.
type Context = { params: Promise<{ path?: string[] }> };

const handle = async (request: Request, { params }: Context) =>
  answerScim(request, (await params).path ?? []);

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
