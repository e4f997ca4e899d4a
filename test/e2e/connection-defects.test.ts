/**
 * Offline, as a new user meets it (issue 9, defect 2): the status pill stays one short word that fits, the
 * header's buttons stay in reach, and the explanation shows in full under the header.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { e2eSuite, waitConnection, waitOnline } from './browser.ts';

const { test } = e2eSuite();

/** In the viewport, inside the sidebar, and what the pointer hits at its centre. */
async function inReach(page: Page, el: Locator): Promise<void> {
  const box = await el.boundingBox();
  const sidebar = await page.locator('.sidebar').boundingBox();
  assert.ok(box && sidebar);
  assert.ok(
    box.x >= sidebar.x && box.x + box.width <= sidebar.x + sidebar.width + 0.5,
    `inside the sidebar: ${JSON.stringify({ box, sidebar })}`,
  );
  const hit = await el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return at !== null && node.contains(at);
  });
  assert.ok(hit, 'nothing covers it');
}

/** No text inside `el` is cut off (ellipsis or overflow). */
async function notCut(el: Locator): Promise<void> {
  const cut = await el.evaluate((node) =>
    [node, ...node.querySelectorAll('*')]
      .filter((n) => n instanceof HTMLElement && n.getClientRects().length > 0)
      .filter((n) => (n as HTMLElement).scrollWidth > (n as HTMLElement).clientWidth + 1)
      .map((n) => n.textContent),
  );
  assert.deepEqual(cut, [], 'no text is cut off');
}

for (const viewport of [
  { width: 1100, height: 700 },
  { width: 360, height: 700 },
]) {
  test(`offline at ${viewport.width} px: a short status pill, the header's buttons in reach, the explanation in full`, async (s) => {
    const ana = await s.person('Ana', { viewport });
    const page = ana.page;
    const pill = page.getByTestId('connection-status');
    const onlineHeight = (await page.locator('.sidebar-header').boundingBox())?.height ?? 0;

    await ana.context.setOffline(true);
    await waitConnection(page, 'offline');
    await notCut(pill);
    const header = await page.locator('.sidebar-header').boundingBox();
    assert.ok(header && header.height <= onlineHeight + 1, 'the header does not grow');
    for (const id of ['new-group-button', 'settings-button', 'sidebar-menu-button']) {
      await inReach(page, page.getByTestId(id));
    }
    assert.equal((await pill.textContent())?.trim(), 'Offline');
    const note = page.getByTestId('connection-note');
    assert.equal((await note.textContent())?.trim(), 'Offline. Messages will be sent when you are back online.');
    await notCut(note);

    // The settings open while offline.
    await page.getByTestId('settings-button').click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');

    // Back online: the note goes.
    await ana.context.setOffline(false);
    await waitOnline(page);
    await note.waitFor({ state: 'detached' });
  });
}
