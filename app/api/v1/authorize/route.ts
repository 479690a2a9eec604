import { AUTHORIZE_MAX_BODY_BYTES, answerAuthorize, gatewayRoute } from "@/app/_server/gateway-api";

export const dynamic = "force-dynamic";

// POST /api/v1/authorize through Next.js; the production server answers it on its lean path
// (server.ts) with the same answerAuthorize.
export const POST = gatewayRoute(answerAuthorize, AUTHORIZE_MAX_BODY_BYTES);
