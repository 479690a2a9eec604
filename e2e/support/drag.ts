import type { Locator, Page } from "@playwright/test";

/**
 * Drags with the mouse like a person: press on the source, then move towards the target,
 * measuring it again at every step, because dnd-kit scrolls the page when the pointer nears an
 * edge and a target measured once would then be missed.
 */
export async function dragWithMouse(
  page: Page,
  source: Locator,
  target: Locator,
  offset?: { x: number; y: number },
) {
  await source.scrollIntoViewIfNeeded();
  const from = (await source.boundingBox())!;
  let x = from.x + from.width / 2;
  let y = from.y + from.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 8, y + 8, { steps: 2 });
  for (let step = 0; step < 40; step++) {
    const box = (await target.boundingBox())!;
    const goal = {
      x: box.x + (offset?.x ?? box.width / 2),
      y: box.y + (offset?.y ?? box.height / 2),
    };
    const dx = goal.x - x;
    const dy = goal.y - y;
    if (Math.hypot(dx, dy) < 4) break;
    const scale = Math.min(1, 60 / Math.hypot(dx, dy));
    x += dx * scale;
    y += dy * scale;
    await page.mouse.move(x, y);
  }
  await page.waitForTimeout(50);
  await page.mouse.up();
}
