import { useI18n } from '../i18n/useI18n.ts';
import { useStore } from '../state/store.ts';
import { ConnectionStatus } from '../ui/ConnectionStatus.tsx';
import { AuthScreen } from './AuthScreen.tsx';
import { Shell } from './Shell.tsx';

export function App() {
  const phase = useStore((s) => s.phase);
  const { t } = useI18n();
  if (phase === 'signedOut') return <AuthScreen />;
  if (phase === 'loading') {
    return (
      <main className="splash" aria-busy="true">
        <p>{t('common.loading')}</p>
        <ConnectionStatus />
      </main>
    );
  }
  return <Shell />;
}
