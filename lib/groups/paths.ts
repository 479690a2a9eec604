/** Each group with the names of its ancestors ("Engineering › Backend"), to tell namesakes apart. */
export function withParentPaths<G extends { id: string; name: string; parentId: string | null }>(
  all: G[],
): (G & { path: string })[] {
  const byId = new Map(all.map((g) => [g.id, g]));
  return all.map((g) => {
    const names: string[] = [];
    for (
      let at = g.parentId ? byId.get(g.parentId) : undefined;
      at && names.length < all.length;
      at = at.parentId ? byId.get(at.parentId) : undefined
    )
      names.unshift(at.name);
    return { ...g, path: names.join(" › ") };
  });
}
