/**
 * The business inbox in the browser tests: a page run by a person with agents, its inbox opened live, and
 * the conversations its list shows.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { type Person, RECONNECT_MS } from './browser.ts';

/** A page `owner` runs, `agents` added as its agents: its id and username. */
export async function pageRunBy(
  owner: Person,
  name: string,
  agents: Person[],
): Promise<{ id: string; username: string }> {
  const http = await owner.http();
  const username = `${name.toLowerCase().replace(/[^a-z]/g, '')}_${process.pid % 10000}_${Date.now() % 100000}`;
  const r = await http.post<{ page: { id: string; username: string } }>('/api/pages', { name, username });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  for (const agent of agents) {
    const added = await http.post(`/api/pages/${r.body.page.id}/members`, { username: agent.username, role: 'agent' });
    assert.equal(added.status, 200, JSON.stringify(added.body));
  }
  return r.body.page;
}

/** Opens the page's inbox by its address, and waits for its socket. */
export async function openInbox(agent: Person, pageId: string): Promise<Page> {
  const page = agent.page;
  await page.goto(`/inbox/${pageId}`);
  await page.locator('[data-testid="inbox-connection-status"][data-state="online"]').waitFor({ timeout: RECONNECT_MS });
  return page;
}

/** The inbox list's item for a conversation. */
export const item = (page: Page, conversationId: string) =>
  page.locator(`[data-testid="inbox-item"][data-conversation-id="${conversationId}"]`);

/** The conversations the inbox lists, top to bottom. */
export const listed = (page: Page) =>
  page
    .locator('[data-testid="inbox-item"]')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.conversationId ?? ''));
