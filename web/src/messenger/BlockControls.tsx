import { useRef, useState } from 'react';
import type { UserView } from '../../../protocol/views.ts';
import { blockUser, unblockUser } from '../app/actions.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { errorIdOf } from '../lib/errors.ts';
import { useStore } from '../state/store.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { IconMore } from '../ui/Icons.tsx';
import { Menu } from '../ui/Menu.tsx';
import { showToast } from '../ui/toasts.ts';

/**
 * Blocking a person (docs/PROTOCOL.md, "Blocking"), wherever the app offers it: the "…" menu of a one-to-one
 * conversation's header, a group's member list, the notice that replaces the composer while I block the
 * other person. Blocking asks first and says what it does; unblocking acts at once. Every device of mine
 * follows through `block.updated`.
 */

/** Whether I block this person (as the server last said). */
export function useIBlock(userId: string | null | undefined): boolean {
  return useStore((s) => (userId ? Boolean(s.blocks?.[userId]) : false));
}

/** The "Block {name}?" dialog. */
export function BlockConfirm({ user, onClose }: { user: UserView; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <ConfirmDialog
      title={t('block.confirm.title', { name: user.displayName })}
      body={t('block.confirm.body', { name: user.displayName })}
      confirmLabel={t('block.confirm')}
      confirmTestId="block-confirm"
      onConfirm={async () => {
        await blockUser(user.id);
        showToast(t('block.done', { name: user.displayName }));
      }}
      onClose={onClose}
    />
  );
}

/** Unblocks at once, saying so (or what went wrong) in a toast. */
export function useUnblock(): (user: UserView) => void {
  const { t, te } = useI18n();
  return (user) => {
    unblockUser(user.id).then(
      () => showToast(t('block.undone', { name: user.displayName })),
      (e: unknown) => showToast(te(errorIdOf(e))),
    );
  };
}

/** The "…" menu of a one-to-one conversation with a person: Block or Unblock them. */
export function BlockMenu({ user }: { user: UserView }) {
  const { t } = useI18n();
  const blocked = useIBlock(user.id);
  const unblock = useUnblock();
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const label = t('block.menu', { name: user.displayName });
  return (
    <span className="sidebar-menu">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button"
        data-testid="direct-menu-button"
        onClick={() => setOpen((o) => !o)}
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
      >
        <IconMore />
      </button>
      {open && (
        <Menu
          label={label}
          anchorRef={buttonRef}
          onClose={() => setOpen(false)}
          testId="direct-menu"
          items={[
            blocked
              ? {
                  key: 'unblock',
                  label: t('block.unblock', { name: user.displayName }),
                  testId: 'unblock-user',
                  onSelect: () => unblock(user),
                }
              : {
                  key: 'block',
                  label: t('block.block', { name: user.displayName }),
                  testId: 'block-user',
                  danger: true,
                  onSelect: () => setConfirm(true),
                },
          ]}
        />
      )}
      {confirm && <BlockConfirm user={user} onClose={() => setConfirm(false)} />}
    </span>
  );
}

/** A member of a group, in its member list: Block or Unblock them (the group itself is not affected). */
export function MemberBlockButton({ user, disabled }: { user: UserView; disabled?: boolean }) {
  const { t } = useI18n();
  const blocked = useIBlock(user.id);
  const unblock = useUnblock();
  const [confirm, setConfirm] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button-small"
        data-testid={blocked ? 'member-unblock' : 'member-block'}
        disabled={disabled}
        onClick={() => (blocked ? unblock(user) : setConfirm(true))}
        aria-label={
          blocked ? t('block.unblock', { name: user.displayName }) : t('block.block', { name: user.displayName })
        }
      >
        {blocked ? t('block.unblockShort') : t('block.blockShort')}
      </button>
      {confirm && <BlockConfirm user={user} onClose={() => setConfirm(false)} />}
    </>
  );
}

/** In place of the composer while I block the other person of a one-to-one conversation. */
export function BlockedNotice({ user }: { user: UserView }) {
  const { t } = useI18n();
  const unblock = useUnblock();
  return (
    <div className="thread-readonly thread-blocked" role="status" data-testid="blocked-notice">
      <span>{t('block.notice')}</span>{' '}
      <button
        type="button"
        className="button button-small"
        data-testid="blocked-notice-unblock"
        onClick={() => unblock(user)}
        aria-label={t('block.unblock', { name: user.displayName })}
      >
        {t('block.unblockShort')}
      </button>
    </div>
  );
}
