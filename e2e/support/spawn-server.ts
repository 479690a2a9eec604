import { type ChildProcess, spawn } from "node:child_process";
import { productionServerArgs } from "../../scripts/setup";

// A production server of its own for a test that stops it the hard way or puts something between
// it and the database. It serves the build `npm run test:e2e` made, with the suite's environment
// (AUTH_SECRET, so sessions of the other servers are valid here too) and the given database URL.

export interface SpawnedServer {
  readonly baseUrl: string;
  readonly pid: number;
  /** kill -9: no shutdown hook runs, open transactions are left to the database. */
  kill(): Promise<void>;
  /** What the server printed, for a failing test's message. */
  output(): string;
}

export async function spawnServer(options: {
  port: number;
  databaseUrl: string;
  /** The application_name of its database sessions, to find them in pg_stat_activity. */
  applicationName: string;
  /** Environment of its own; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
}): Promise<SpawnedServer> {
  let output = "";
  const child = spawn(process.execPath, productionServerArgs, {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(options.port),
      DATABASE_URL: options.databaseUrl,
      PGAPPNAME: options.applicationName,
      NEXT_TELEMETRY_DISABLED: "1",
      ...options.env,
    },
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A worker that ends (or fails) leaves no server behind.
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);

  const server: SpawnedServer = {
    baseUrl: `http://localhost:${options.port}`,
    pid: child.pid!,
    async kill() {
      process.off("exit", reap);
      if (isRunning(child)) child.kill("SIGKILL");
      await exited;
    },
    output: () => output,
  };
  try {
    await waitUntilHealthy(server.baseUrl, child, 30_000);
  } catch (error) {
    await server.kill();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
  return server;
}

function isRunning(child: ChildProcess) {
  return child.exitCode === null && child.signalCode === null;
}

async function waitUntilHealthy(baseUrl: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`the server on ${baseUrl} exited while starting`);
    const healthy = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server on ${baseUrl} was not healthy within ${timeoutMs / 1000} s`);
}
