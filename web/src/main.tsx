import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { boot } from './app/session.ts';
import { App } from './components/App.tsx';
import './styles/base.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void boot();
