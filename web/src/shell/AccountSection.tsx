import { useI18n } from '../i18n/useI18n.ts';
import { DeleteAccount } from './AccountDelete.tsx';
import { PasswordForm } from './AccountPassword.tsx';
import { PhotoForm } from './AccountPhoto.tsx';
import './account.css';

/**
 * Settings' "Account" section (issue 9): the profile photo (pick, preview, progress, remove), the password
 * (current, new, "sign out other devices"), and deleting the account (a danger zone, a dialog asking the
 * password, saying what is erased and what remains). Every field says its own error.
 */
export function AccountSection() {
  const { t } = useI18n();
  return (
    <section className="settings-section account-section" aria-labelledby="settings-account">
      <h3 id="settings-account" className="section-title">
        {t('account.title')}
      </h3>
      <PhotoForm />
      <PasswordForm />
      <DeleteAccount />
    </section>
  );
}
