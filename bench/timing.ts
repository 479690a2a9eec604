// How the in-process benchmarks time a call: `warmUps` runs first, then `runs` timed ones, one
// after another (each after `setUp`, untimed); p50 and p95 of those (nearest rank).
export async function timed(
  run: () => Promise<unknown>,
  {
    runs = 20,
    warmUps = 1,
    setUp,
  }: { runs?: number; warmUps?: number; setUp?: () => Promise<unknown> } = {},
) {
  for (let i = 0; i < warmUps; i++) {
    await setUp?.();
    await run();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await setUp?.();
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => +times[Math.min(runs - 1, Math.ceil(q * runs) - 1)]!.toFixed(1);
  return { p50Ms: at(0.5), p95Ms: at(0.95) };
}
