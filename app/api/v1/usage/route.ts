import { USAGE_MAX_BODY_BYTES, answerUsage, gatewayRoute } from "@/app/_server/gateway-api";

export const dynamic = "force-dynamic";

// POST /api/v1/usage through Next.js; the production server answers it on its lean path
// (server.ts) with the same answerUsage.
export const POST = gatewayRoute(answerUsage, USAGE_MAX_BODY_BYTES);
