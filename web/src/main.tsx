import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// First: the components' own stylesheets (imported by App and below) must come after the base rules they refine.
import './ui/base.css';
import { boot } from './app/session.ts';
import { App } from './shell/App.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void boot();
