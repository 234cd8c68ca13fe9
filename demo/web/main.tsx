// The page's entry (bundled by ./bundle.ts): one RemoteEngine at module scope, on the server
// this page came from, so the page works whatever port the demo took.
import { createRoot } from 'react-dom/client';
import { connectEngine } from '../../src/remote/index.js';
import { DemoDashboard } from './app.js';
import { ENGINE_PATH } from './paths.js';

const engine = connectEngine(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${ENGINE_PATH}`);
createRoot(document.getElementById('root')!).render(<DemoDashboard engine={engine} />);
