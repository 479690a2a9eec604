import { describe, expect, it } from "vitest";
import { turnTaker } from "./turns";

describe("turnTaker", () => {
  it("takes what arrives together in one turn, and what queued during a turn in the next, within what fits", async () => {
    const turns: number[][] = [];
    const take = turnTaker<number, number>({
      turnsAtOnce: 1,
      fits: (taken) => taken.length < 2,
      run: async (items) => {
        turns.push(items);
        await new Promise((r) => setTimeout(r, 20));
        return items.map((i) => i * 10);
      },
    });
    const scope = {};
    const together = [1, 2, 3].map((i) => take(scope, "org", i));
    await new Promise((r) => setTimeout(r, 5));
    expect(turns).toEqual([[1, 2]]);
    const during = [4, 5].map((i) => take(scope, "org", i));
    expect(await Promise.all([...together, ...during])).toEqual([10, 20, 30, 40, 50]);
    expect(turns).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("fails only the bad item of a failed turn when told to retry alone, and all of it otherwise", async () => {
    const run = async (items: number[]) => {
      if (items.includes(13)) throw new Error("thirteen");
      return items;
    };
    for (const retryAlone of [true, false]) {
      const take = turnTaker<number, number>({ turnsAtOnce: 1, fits: () => true, run, retryAlone });
      const scope = {};
      const settled = await Promise.allSettled([1, 2, 13, 4].map((i) => take(scope, "org", i)));
      expect(settled.map((s) => s.status)).toEqual(
        retryAlone
          ? ["fulfilled", "fulfilled", "rejected", "fulfilled"]
          : ["rejected", "rejected", "rejected", "rejected"],
      );
    }
  });
});
