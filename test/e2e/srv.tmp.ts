import path from 'node:path';
import { startServer } from '../helpers/server.ts';
import { signUp } from '../helpers/client.ts';
const srv = await startServer({ WEB_DIST: path.resolve('web/dist') });
for (let i = 0; i < 3; i++) { const t = Date.now(); await signUp(srv.url); console.log('signup ms', Date.now() - t); }
const t = Date.now(); await Promise.all([signUp(srv.url), signUp(srv.url), signUp(srv.url)]); console.log('3 parallel', Date.now() - t);
await srv.close();
