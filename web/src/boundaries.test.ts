import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/**
 * The web app's folders and what each may import (web/README.md): a feature (messenger/, pages/, inbox/,
 * console/) imports the shared folders and app/, never another feature; ui/ imports no feature;
 * only shell/ (and main.tsx) puts the features together.
 */
const src = import.meta.dirname;
const shared = ['api', 'i18n', 'lib', 'state'];
const features = ['messenger', 'pages', 'inbox', 'console'];
const allowed: Record<string, readonly string[]> = {
  ...Object.fromEntries(shared.map((folder) => [folder, shared])),
  ui: [...shared, 'ui'],
  app: [...shared, 'ui', 'app'],
  ...Object.fromEntries(features.map((feature) => [feature, [...shared, 'ui', 'app', feature]])),
  shell: [...shared, 'ui', 'app', ...features, 'shell'],
};

/** The top folder under web/src of a path there ('' for a file at the top, like main.tsx). */
function folderOf(file: string): string {
  const parts = path.relative(src, file).split(path.sep);
  return parts.length > 1 ? (parts[0] ?? '') : '';
}

/** Relative imports of a source text: `from '…'`, `import '…'` and `import('…')`. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] ?? '');
}

/** Why `file` may not import `specifier`, or null when it may (imports leaving web/src, as protocol/, are free). */
function violation(file: string, specifier: string): string | null {
  const from = folderOf(file);
  const target = path.resolve(path.dirname(file), specifier);
  if (path.relative(src, target).startsWith('..')) return null;
  const to = folderOf(target);
  if (from === '') return null;
  const may = allowed[from];
  if (!may) return `${from}/ is not in the table of boundaries.test.ts (add it there and to web/README.md)`;
  if (to === '' || !may.includes(to)) return `${from}/ may not import ${to || 'the top level'}/`;
  return null;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(p);
    return /\.tsx?$/.test(entry.name) ? [p] : [];
  });
}

test('the rule rejects what it should', () => {
  const at = (p: string) => path.join(src, p);
  assert.match(violation(at('ui/Dialog.tsx'), '../messenger/Sidebar.tsx') ?? '', /ui\/ may not import messenger\//);
  assert.match(violation(at('messenger/Sidebar.tsx'), '../inbox/Queue.tsx') ?? '', /may not import inbox\//);
  assert.match(violation(at('console/Apps.tsx'), '../messenger/Composer.tsx') ?? '', /may not import messenger\//);
  assert.match(violation(at('console/PagesSection.tsx'), '../pages/MyPagesDialog.tsx') ?? '', /may not import pages\//);
  assert.match(
    violation(at('inbox/InboxThread.tsx'), '../messenger/MessageBubble.tsx') ?? '',
    /not import messenger\//,
  );
  assert.match(violation(at('inbox/InboxView.tsx'), '../console/ConsoleView.tsx') ?? '', /may not import console\//);
  assert.match(violation(at('ui/MessageAttachment.tsx'), '../inbox/session.ts') ?? '', /ui\/ may not import inbox\//);
  assert.equal(violation(at('inbox/InboxMessage.tsx'), '../ui/MessageAttachment.tsx'), null);
  assert.equal(violation(at('console/PagesSection.tsx'), '../app/pages.ts'), null);
  assert.equal(violation(at('shell/Shell.tsx'), '../inbox/InboxView.tsx'), null);
  assert.equal(violation(at('shell/Shell.tsx'), '../console/ConsoleView.tsx'), null);
  assert.match(
    violation(at('pages/MyPagesDialog.tsx'), '../messenger/Sidebar.tsx') ?? '',
    /may not import messenger\//,
  );
  assert.match(violation(at('messenger/Sidebar.tsx'), '../pages/PagesDialogs.tsx') ?? '', /may not import pages\//);
  assert.equal(violation(at('shell/Shell.tsx'), '../pages/PagesDialogs.tsx'), null);
  assert.equal(violation(at('pages/PageMembers.tsx'), '../app/pages.ts'), null);
  assert.match(violation(at('messenger/Sidebar.tsx'), '../shell/App.tsx') ?? '', /may not import shell\//);
  assert.match(violation(at('app/session.ts'), '../messenger/ThreadPane.tsx') ?? '', /may not import messenger\//);
  assert.match(violation(at('state/store.ts'), '../ui/Dialog.tsx') ?? '', /may not import ui\//);
  assert.match(violation(at('widgets/X.tsx'), '../ui/Dialog.tsx') ?? '', /not in the table/);
  assert.equal(violation(at('messenger/Sidebar.tsx'), '../ui/Avatar.tsx'), null);
  assert.equal(violation(at('messenger/Sidebar.tsx'), './ConversationItem.tsx'), null);
  assert.equal(violation(at('shell/Shell.tsx'), '../messenger/Sidebar.tsx'), null);
  assert.equal(violation(at('ui/Avatar.tsx'), '../../../protocol/views.ts'), null);
  assert.deepEqual(importsOf(`import a from './a.ts';\nimport './b.css';\nawait import('../c.ts');`), [
    './a.ts',
    './b.css',
    '../c.ts',
  ]);
});

test('every import of web/src keeps to the boundaries of web/README.md', () => {
  const files = sources(src);
  let checked = 0;
  const problems: string[] = [];
  for (const file of files) {
    for (const specifier of importsOf(fs.readFileSync(file, 'utf8'))) {
      checked++;
      const why = violation(file, specifier);
      if (why) problems.push(`${path.relative(src, file)} → ${specifier}: ${why}`);
    }
  }
  assert.ok(checked > 100, `only ${checked} imports found: is the pattern still right?`);
  assert.deepEqual(problems, []);
});
