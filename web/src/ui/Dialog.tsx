import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useI18n } from '../i18n/useI18n.ts';
import { IconClose } from './Icons.tsx';
import './dialog.css';

/**
 * A modal dialog on the native <dialog> element: the rest of the page is inert while it is open (so focus
 * stays inside), Escape closes it, and focus returns to what had it before.
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  size = 'medium',
  testId,
  onKeyDown: onKey,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  /** `large`: a media viewer. */
  size?: 'small' | 'medium' | 'large';
  testId?: string;
  /** Keys the dialog's content handles wherever focus is inside it (Escape and Tab stay the dialog's). */
  onKeyDown?: (e: React.KeyboardEvent<HTMLDialogElement>) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { t } = useI18n();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // If what had focus is gone when the dialog closes (e.g. the deleted message's "…" button), use its
    // closest focusable ancestor instead.
    const fallback = previous?.parentElement?.closest<HTMLElement>(
      '[tabindex], a[href], button, input, textarea, select',
    );
    if (!dialog.open) dialog.showModal();
    // Focus the first field, else the first button that is not the close button.
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>('input, select, textarea') ??
      dialog.querySelector<HTMLElement>('.dialog-body button, .dialog-footer button');
    first?.focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (previous?.isConnected) previous.focus();
      else if (fallback?.isConnected) fallback.focus();
    };
  }, []);

  // Trap Tab inside the dialog too (belt and braces: showModal already makes the page inert).
  const onKeyDown = (e: React.KeyboardEvent<HTMLDialogElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (e.key !== 'Tab') onKey?.(e);
    if (e.key !== 'Tab' || !ref.current) return;
    const focusables = [
      ...ref.current.querySelectorAll<HTMLElement>(
        'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
      ),
    ].filter((el) => el.offsetParent !== null);
    const first = focusables[0];
    const last = focusables[focusables.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      onClick={(e) => {
        if (e.target === ref.current) onCloseRef.current(); // click on the backdrop
      }}
      data-testid={testId}
    >
      <div className="dialog-inner">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button
            type="button"
            className="icon-button"
            onClick={() => onCloseRef.current()}
            aria-label={t('common.close')}
          >
            <IconClose />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </dialog>
  );
}
