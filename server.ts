import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import next from "next";
import {
  type ApiAnswer,
  AUTHORIZE_MAX_BODY_BYTES,
  USAGE_MAX_BODY_BYTES,
  answerAuthorize,
  answerUsage,
} from "@/app/_server/gateway-api";
import { SECURITY_HEADERS } from "@/app/_server/security-headers";

// The production server: one process, one port. The gateway API's two calls, which sit in front
// of every LLM request, are answered here straight from node:http with the same functions as the
// route handlers (app/_server/gateway-api.ts); Next.js' request pipeline (proxy, routing, the App
// Router's handler) costs many times the decision itself. Everything else, and any other method
// on those paths, goes to Next.js. One process keeps the embedded database (one process per data
// folder) working. Started by `npm start` and the e2e runner (scripts/start.ts, scripts/e2e.ts).

const port = Number(process.env.PORT || 3000);
const app = next({ dev: false, dir: process.cwd(), port });
const handle = app.getRequestHandler();

const lean: Record<string, { answer: typeof answerAuthorize; maxBodyBytes: number }> = {
  "/api/v1/authorize": { answer: answerAuthorize, maxBodyBytes: AUTHORIZE_MAX_BODY_BYTES },
  "/api/v1/usage": { answer: answerUsage, maxBodyBytes: USAGE_MAX_BODY_BYTES },
};

// Every answer's headers but its length, as the flat list writeHead takes without copying.
const answerHeaders = [
  ...SECURITY_HEADERS.flatMap(({ key, value }) => [key, value]),
  ...["content-type", "application/json", "cache-control", "no-store"],
];

/** The body as text, read no further than `maxBytes` (null: larger), as readBody does. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<string | null> {
  if (Number(request.headers["content-length"]) > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) return void chunks.push(chunk);
      request.off("data", onData);
      // The rest is read and dropped, so the connection stays usable for the answer.
      request.resume();
      resolve(null);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.once("error", reject);
  });
}

function send(response: ServerResponse, { status, body }: ApiAnswer) {
  const json = JSON.stringify(body);
  response.writeHead(status, [...answerHeaders, "content-length", String(Buffer.byteLength(json))]);
  response.end(json);
}

async function answerLean(
  request: IncomingMessage,
  response: ServerResponse,
  { answer, maxBodyBytes }: (typeof lean)[string],
) {
  try {
    const body = await readBody(request, maxBodyBytes);
    send(
      response,
      await answer(request.headers.authorization, body, request.headers["content-type"]),
    );
  } catch (error) {
    // Only the connection can fail here (the answers catch everything else).
    console.error("[gatehouse] gateway API request failed:", error);
    if (!response.headersSent) send(response, { status: 400, body: { error: "Bad request." } });
  }
}

await app.prepare();
const server = createServer((request, response) => {
  const path = request.url?.split("?", 1)[0] ?? "";
  const route = request.method === "POST" ? lean[path] : undefined;
  if (route) void answerLean(request, response, route);
  else void handle(request, response);
}).listen(port, () => console.log(`[gatehouse] serving on http://localhost:${port}`));

// Exit (rather than be killed) on a stop signal: exit hooks run, `node --cpu-prof` writes its profile.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    server.close();
    process.exit(0);
  });
