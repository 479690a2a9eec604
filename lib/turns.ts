// Work that is cheaper together: while a turn runs, the items that arrive for the same key (an
// organisation, per database) queue, and the next turn takes them all at once, up to `fits`.
// Each caller gets its own item's result. Used by the reservation batches and the usage queue.

export interface TurnOptions<Item, Result> {
  /** How many turns of one key may run at the same time. */
  turnsAtOnce: number;
  /** Whether `next` may join a turn that already holds `taken` (the first item always goes). */
  fits(taken: readonly Item[], next: Item): boolean;
  /** One result per item, in order; a rejection fails the whole turn. */
  run(items: Item[]): Promise<Result[]>;
  /** A failed turn of several items tries each alone, so one bad item fails only itself. */
  retryAlone?: boolean;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

interface Queue<Item, Result> {
  waiting: Waiting<Item, Result>[];
  turns: number;
}

export function turnTaker<Item, Result>(options: TurnOptions<Item, Result>) {
  const queuesByScope = new WeakMap<object, Map<string, Queue<Item, Result>>>();

  async function drain(queue: Queue<Item, Result>, forget: () => void) {
    queue.turns++;
    // The first turn waits for the rest of this pass of the event loop, so that the items of
    // requests that arrived together join it: with the embedded database a turn's queries run
    // without yielding to I/O, and no item would ever queue behind a running turn.
    await new Promise((resolve) => setImmediate(resolve));
    const { waiting } = queue;
    while (waiting.length) {
      const taken: Item[] = [];
      while (
        taken.length < waiting.length &&
        (!taken.length || options.fits(taken, waiting[taken.length]!.item))
      )
        taken.push(waiting[taken.length]!.item);
      const turn = waiting.splice(0, taken.length);
      try {
        const results = await options.run(taken);
        turn.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        if (!options.retryAlone || turn.length === 1) for (const w of turn) w.reject(error);
        else
          for (const w of turn)
            await options.run([w.item]).then(([result]) => w.resolve(result!), w.reject);
      }
    }
    if (--queue.turns === 0) forget();
  }

  /** The item's result, from the turn that takes it. `scope`: the database the key is of. */
  return function take(scope: object, key: string, item: Item): Promise<Result> {
    let queues = queuesByScope.get(scope);
    if (!queues) queuesByScope.set(scope, (queues = new Map()));
    let queue = queues.get(key);
    if (!queue) queues.set(key, (queue = { waiting: [], turns: 0 }));
    const result = new Promise<Result>((resolve, reject) =>
      queue.waiting.push({ item, resolve, reject }),
    );
    if (queue.turns < options.turnsAtOnce) void drain(queue, () => queues.delete(key));
    return result;
  };
}
