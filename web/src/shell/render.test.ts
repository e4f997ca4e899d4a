import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';

/**
 * Smoke test: server-render the main screens from a populated store (no DOM needed) and check the
 * data-testid contract and that text is escaped. Effects do not run in server rendering.
 */
register(
  'data:text/javascript,export async function load(url, context, next) { if (url.endsWith(".css")) return { format: "module", source: "", shortCircuit: true }; return next(url, context); }',
);

const { renderToString } = await import('react-dom/server');
const { createElement } = await import('react');
const { store } = await import('../state/store.ts');
const { applySnapshot, applyEvent } = await import('../state/apply.ts');
const { addPending, markFailed } = await import('../state/local.ts');
const { App } = await import('./App.tsx');
const { ThreadPane } = await import('../messenger/ThreadPane.tsx');
const { SettingsDialog } = await import('./SettingsDialog.tsx');
const { NewGroupDialog } = await import('../messenger/NewGroupDialog.tsx');
const { GroupPanel } = await import('../messenger/GroupPanel.tsx');
const { NewPageDialog } = await import('../pages/NewPageDialog.tsx');
const { MyPagesDialog } = await import('../pages/MyPagesDialog.tsx');
const { PageSettingsDialog } = await import('../pages/PageSettingsDialog.tsx');
const { setMyPages, setPageMembers } = await import('../state/pages.ts');
const fx = await import('../state/fixtures.test-helpers.ts');

const html = (el: Parameters<typeof renderToString>[0]) => renderToString(el);

test('sign-in screen has the auth contract', () => {
  store.update((s) => ({ ...s, phase: 'signedOut' }));
  const out = html(createElement(App));
  for (const id of ['auth-username', 'auth-password', 'auth-submit', 'auth-switch', 'language-select']) {
    assert.match(out, new RegExp(`data-testid="${id}"`), id);
  }
  assert.doesNotMatch(out, /data-testid="auth-display-name"/, 'display name only when signing up');
});

test('signed-in shell: list, thread with own/others/pending/failed messages, composer', () => {
  store.update((s) => {
    let n = applySnapshot(
      {
        ...s,
        phase: 'ready',
        connection: 'online',
        me: { ...fx.me, createdAt: '2024-01-01T00:00:00.000Z' },
        sessionId: 's1',
      },
      {
        cursor: 1,
        conversations: [
          fx.conv({ members: [fx.member(fx.me), fx.member(fx.ana, 2, 1), fx.member(fx.ben, 2, 2)] }),
          fx.conv({ id: 'c2', kind: 'direct', title: null, members: [fx.member(fx.me), fx.member(fx.ana)] }),
        ],
      },
    );
    n = applyEvent(n, {
      type: 'message.created',
      conversationId: 'c1',
      message: fx.msg(1, fx.me.id, { text: 'see https://example.com <script>alert(1)</script>' }),
    });
    n = applyEvent(n, {
      type: 'message.created',
      conversationId: 'c1',
      message: fx.msg(2, fx.ana.id, {
        replyTo: { id: 'm1', senderId: fx.me.id, text: 'see', deleted: false },
        editedAt: '2024-01-01T12:00:00.000Z',
      }),
    });
    n = applyEvent(n, {
      type: 'message.created',
      conversationId: 'c1',
      message: fx.msg(3, fx.ana.id, { text: null, deletedAt: '2024-01-01T12:00:00.000Z' }),
    });
    n = addPending(addPending(n, fx.pending('pending-aaa')), fx.pending('pending-bbb'));
    n = markFailed(n, 'pending-bbb', 'message_too_long');
    return {
      ...n,
      threads: { ...n.threads, c1: { ...(n.threads.c1 ?? { messages: [] }), loaded: true, hasMore: false } },
    };
  });
  const shell = html(createElement(App));
  assert.match(
    shell,
    /data-testid="conversation-item"[^>]*data-conversation-id="c1"|data-conversation-id="c1"[^>]*data-testid="conversation-item"/,
  );
  assert.match(shell, /data-testid="unread-badge"[^>]*>1</, 'm2 is unread; m3 arrived deleted');
  assert.match(
    shell,
    /data-testid="connection-status"[^>]*data-state="online"|data-state="online"[^>]*data-testid="connection-status"/,
  );
  for (const id of ['people-search', 'new-group-button', 'settings-button'])
    assert.match(shell, new RegExp(`data-testid="${id}"`), id);

  const thread = html(createElement(ThreadPane, { conversationId: 'c1' }));
  for (const id of [
    'thread',
    'composer',
    'send-button',
    'typing-indicator',
    'message-quote',
    'edited-label',
    'seen-by',
    'group-settings-button',
    'back-button',
    'message-actions',
  ]) {
    assert.match(thread, new RegExp(`data-testid="${id}"`), id);
  }
  assert.match(thread, /role="log"/);
  assert.match(thread, /aria-live="polite"/);
  assert.match(thread, /data-status="read"/, 'read by everyone (Ana 1, Ben 2 ≥ seq 1)');
  assert.match(thread, /data-status="received"/);
  assert.match(thread, /data-status="pending"/);
  assert.match(thread, /data-status="failed"/);
  assert.match(thread, /data-message-id=""/);
  assert.match(thread, /data-client-id="pending-aaa"/);
  assert.match(
    thread,
    /<a href="https:\/\/example.com\/" dir="ltr" target="_blank" rel="noopener noreferrer nofollow">/,
  );
  assert.match(thread, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(thread, /<script>/);
  assert.match(thread, /This message was deleted/);
  assert.match(thread, /Seen by Ana, Ben/);
});

test('dialogs render their contract', () => {
  const settings = html(createElement(SettingsDialog, { onClose: () => {} }));
  for (const id of ['display-name-input', 'display-name-save', 'language-select', 'signout-button']) {
    assert.match(settings, new RegExp(`data-testid="${id}"`), id);
  }
  const group = html(createElement(NewGroupDialog, { onClose: () => {} }));
  for (const id of ['group-title-input', 'group-create-submit'])
    assert.match(group, new RegExp(`data-testid="${id}"`), id);
  const panel = html(createElement(GroupPanel, { conversationId: 'c1', onClose: () => {} }));
  for (const id of ['member-item', 'leave-group', 'add-member-search'])
    assert.match(panel, new RegExp(`data-testid="${id}"`), id);
});

test('pages: a conversation with a page carries the badge; the pages dialogs render their contract', () => {
  const pageUser = { id: 'p1', username: 'chez_emile', displayName: 'Chez <Émile>', kind: 'page' as const };
  const page = {
    id: 'p1',
    username: 'chez_emile',
    name: 'Chez <Émile>',
    description: 'Pain',
    createdAt: '2024-01-01T00:00:00.000Z',
  };
  store.update((s) => {
    let n = applySnapshot(s, {
      cursor: 2,
      conversations: [
        fx.conv({ id: 'c-page', kind: 'direct', title: null, members: [fx.member(fx.me), fx.member(pageUser)] }),
      ],
    });
    n = setMyPages(n, [{ page, role: 'admin' }]);
    return setPageMembers(n, 'p1', [
      { user: fx.me, role: 'admin', addedAt: '2024-01-01T00:00:00.000Z' },
      { user: fx.ana, role: 'agent', addedAt: '2024-01-02T00:00:00.000Z' },
    ]);
  });
  const shell = html(createElement(App));
  assert.match(shell, /data-testid="sidebar-menu-button"/);
  assert.match(shell, /Chez &lt;Émile&gt;<\/span><span class="page-badge" data-testid="page-badge">Page</);
  const thread = html(createElement(ThreadPane, { conversationId: 'c-page' }));
  assert.match(thread, /data-testid="page-badge"/);
  assert.match(thread, /Business page · @chez_emile/);

  const created = html(createElement(NewPageDialog, { onCancel: () => {}, onClose: () => {}, onCreated: () => {} }));
  for (const id of ['page-name-input', 'page-username-input', 'page-description-input', 'page-create-submit'])
    assert.match(created, new RegExp(`data-testid="${id}"`), id);
  assert.match(created, /maxLength="80"/);
  assert.match(created, /maxLength="500"/);
  assert.match(created, /0 \/ 80/, 'a counter against the limit');

  const mine = html(
    createElement(MyPagesDialog, { onOpen: () => {}, onInbox: () => {}, onNew: () => {}, onClose: () => {} }),
  );
  assert.match(mine, /data-testid="my-page-item"[^>]*data-page-id="p1"[^>]*data-role="admin"/);
  assert.match(mine, /aria-label="Chez &lt;Émile&gt; \(@chez_emile\), Admin"/);
  assert.match(mine, /data-testid="my-page-inbox" aria-label="Open the inbox of Chez &lt;Émile&gt;"/);

  const settings = html(
    createElement(PageSettingsDialog, { pageId: 'p1', onBack: () => {}, onClose: () => {}, onLeft: () => {} }),
  );
  for (const id of [
    'page-settings-back',
    'page-settings-name-input',
    'page-settings-save',
    'page-member-item',
    'page-member-role',
    'page-member-remove',
    'page-add-username',
    'page-add-role',
    'page-add-submit',
    'page-leave',
  ])
    assert.match(settings, new RegExp(`data-testid="${id}"`), id);
  assert.match(settings, /aria-label="Role of Ana"/);
  // The page's short link, to copy (admins and agents alike).
  assert.match(settings, /data-testid="page-short-link"[^>]*value="\/m\/chez_emile"/);
  assert.match(settings, /data-testid="page-short-link-copy"/);
  assert.match(settings, /Add \?ref=…/);
  assert.equal(settings.match(/data-testid="page-member-remove"/g)?.length, 1, 'no "Remove" beside myself');

  // An agent sees the same, read-only.
  store.update((s) => setMyPages(s, [{ page, role: 'agent' }]));
  const asAgent = html(
    createElement(PageSettingsDialog, { pageId: 'p1', onBack: () => {}, onClose: () => {}, onLeft: () => {} }),
  );
  for (const id of ['page-settings-name-input', 'page-member-role', 'page-member-remove', 'page-add-username'])
    assert.doesNotMatch(asAgent, new RegExp(`data-testid="${id}"`), id);
  assert.match(asAgent, /data-testid="page-leave"/);
  assert.match(asAgent, /data-testid="page-short-link"/);
  assert.match(asAgent, /Only this page’s admins can change this/);
});
