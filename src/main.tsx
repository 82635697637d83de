import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createEngineClient } from './lib/engine-client';
import { applyTheme } from './lib/theme';
import { useAppStore } from './store/app-store';
import { initCorpus } from './store/corpus-actions';
import { bindEngine } from './store/engine-actions';
import { showExampleOnFirstVisit } from './store/first-visit';
import './index.css';

// Before the first paint, so a dark system never flashes light.
applyTheme(useAppStore.getState().theme);

// Before the first render (and before a share link is applied over it): a first visit shows an example.
showExampleOnFirstVisit();

// The worker itself starts lazily, on the first load.
const client = createEngineClient();
bindEngine(client);
window.uninerDebug = { client };

// The corpus lives in IndexedDB: open it in the background (the list fills in when it is read).
void initCorpus();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
