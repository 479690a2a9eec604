import { spawn } from "node:child_process";
import {
  buildIfStale,
  ensureAuthSecret,
  loadEnvironment,
  productionServerArgs,
} from "@/scripts/setup";

/** A production server (server.ts, the current build) on `databaseUrl`, for the time of `run`. */
export async function withConsoleServer<T>(databaseUrl: string, run: (url: string) => Promise<T>) {
  loadEnvironment();
  ensureAuthSecret();
  buildIfStale();
  const port = 4105;
  const server = spawn(process.execPath, productionServerArgs, {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${url}/login`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 240) throw new Error("the server did not come up");
      await new Promise((r) => setTimeout(r, 250));
    }
    return await run(url);
  } finally {
    server.kill("SIGTERM");
  }
}
