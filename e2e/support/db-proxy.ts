import net from "node:net";

// A TCP proxy in front of PostgreSQL that a test can take down and bring back, so that a server
// behind it sees the database go away (every open connection cut, new ones refused, as when
// PostgreSQL restarts or fails over) and come back, without touching the database itself, which
// the rest of the suite keeps using.

export interface DbProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** Cuts every open connection and refuses new ones (connection refused). */
  down(): Promise<void>;
  /** Accepts connections again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startDbProxy(databaseUrl: string): Promise<DbProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A cut connection errors on both sides; the peer sees it, the proxy need not.
    socket.on("error", () => {});
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });

  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const proxied = new URL(databaseUrl);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);

  const down = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: proxied.toString(),
    down,
    up: () => (server.listening ? Promise.resolve() : listen(port)),
    close: down,
  };
}
