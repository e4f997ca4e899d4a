import { useI18n } from '../i18n/useI18n.ts';
import { IconClose } from './Icons.tsx';
import { dismissToast, useToasts } from './toasts.ts';

export function Toasts() {
  const toasts = useToasts();
  const { t } = useI18n();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast">
          <span>{toast.text}</span>
          <button
            type="button"
            className="icon-button"
            onClick={() => dismissToast(toast.id)}
            aria-label={t('common.close')}
          >
            <IconClose size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
