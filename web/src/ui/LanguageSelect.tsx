import { setLocale } from '../i18n/locale.ts';
import { isLocale, locales } from '../i18n/translate.ts';
import { useI18n } from '../i18n/useI18n.ts';

/** The language switch (`language-select`). Each language is named in itself. */
export function LanguageSelect({ id = 'language-select' }: { id?: string }) {
  const { t, locale } = useI18n();
  return (
    <div className="language-select">
      <label htmlFor={id} className="field-label">
        {t('language.label')}
      </label>
      <select
        id={id}
        className="input select"
        data-testid="language-select"
        value={locale}
        onChange={(e) => {
          if (isLocale(e.target.value)) setLocale(e.target.value);
        }}
      >
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
