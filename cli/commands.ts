import type { ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import * as schemas from '../protocol/schemas.ts';
import { presentSelf } from '../server/accounts/presenter.ts';
import { type Core, createCore } from '../server/app.ts';
import type { Config } from '../server/config.ts';
import { isAppError } from '../server/errors.ts';
import { createLogger } from '../server/lib/logger.ts';
import { start } from '../server/main.ts';
import { openStorage } from '../server/storage/index.ts';
import { CliError, CliUsageError } from './errors.ts';
import { readPassword } from './password.ts';
import { ensureWebBuild } from './web-build.ts';

export { CliError, CliUsageError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
interface Command {
  options: Options;
  run(config: Config, values: Record<string, string | boolean | undefined>): Promise<number>;
}

export const usage = `Usage: comptoir <command> [options]

Commands:
  start                      Build the web app if needed, migrate, and serve (PORT, HOST, DATABASE_URL…)
    --no-build                 serve without building the web app
  migrate [--json]           Bring the database schema up to date
  user create --username U [--display-name N] [--json]
                             Create an account (open or closed sign-up). The password is asked for
                             (twice) in a terminal, or read from the first line of standard input:
                               comptoir user create --username margot < password.txt
                             --json prints the account as JSON
  user delete --username U [--json]
                             Delete that person's account, as they can in Settings (no password
                             asked): sessions ended, profile erased, groups and pages left; their
                             messages remain, from "Deleted account" (docs/SECURITY.md)
  page create --owner USERNAME --name NAME --username PAGEUSERNAME [--description D] [--json]
                             Create a business page run by that person (its admin); --json prints
                             {"page":{"id","username","name"}}
  app create --owner USERNAME --name NAME [--json]
                             Create a developer app owned by that account; its secret is printed
                             once (--json: {"app":{"id","secret"}})
  app connect --app APPID --page PAGEID [--json]
                             Connect the app to a page its owner runs as admin; prints the page
                             access token once (--json: {"pageAccessToken":"…"})
  app webhook --app APPID --url URL --verify-token T --fields F1,F2 [--json]
                             Set the app's webhook once the URL has answered the subscribe handshake
                             (GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=N, answered
                             with N). Fields: messages, message_echoes, messaging_postbacks,
                             message_deliveries, message_reads, messaging_optins, messaging_referrals,
                             messaging_handovers, standby
  help                       This text

Configuration comes from the environment; see the README.
`;

/** Runs `work` on the core (storage, services) and closes it; a refused operation becomes a CliError. */
async function withCore<T>(config: Config, work: (core: Core) => Promise<T>): Promise<T> {
  const core = await createCore(config, { logger: createLogger('warn', 'stderr') });
  try {
    return await work(core);
  } catch (e) {
    if (isAppError(e)) {
      const hint =
        e.id === 'webhook_address_forbidden' ? ' (WEBHOOK_ALLOW_PRIVATE lets the operator allow such addresses)' : '';
      throw new CliError(e.id, `${e.message}${hint}`);
    }
    throw e;
  } finally {
    await core.close();
  }
}

/** Whether a listen was refused because something already listens on its port (EADDRINUSE). */
function addressInUse(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

/** The options a command cannot do without: a usage error names the first one missing. */
function required<K extends string>(
  values: Record<string, string | boolean | undefined>,
  ...names: K[]
): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const v = values[name];
    if (typeof v !== 'string') throw new CliUsageError(`--${name} is required`);
    out[name] = v;
  }
  return out;
}

function invalid(error: z.ZodError): CliError {
  return new CliError('bad_request', z.prettifyError(error));
}

export const commands: Record<string, Command> = {
  start: {
    options: { 'no-build': { type: 'boolean' } },
    async run(config, values) {
      if (values['no-build'] !== true) await ensureWebBuild(config.webDist);
      try {
        await start(process.env);
      } catch (e) {
        if (!addressInUse(e)) throw e;
        const port = config.port;
        // One line rather than a stack trace. Exits at once: the server half started (its database open, its
        // timers) would keep the process alive.
        process.stderr.write(
          `Port ${port} is already in use on ${config.host}: stop what listens there, or set PORT to another port (PORT=${port + 1} npm start).\n`,
        );
        process.exit(1);
      }
      return new Promise<number>(() => {}); // serves until a signal stops the process
    },
  },

  migrate: {
    options: { json: { type: 'boolean' } },
    async run(config, values) {
      const storage = await openStorage(config.database);
      try {
        await storage.migrate();
      } finally {
        await storage.close();
      }
      const where = config.database.kind === 'sqlite' ? config.database.path : 'postgres';
      if (values.json) process.stdout.write(`${JSON.stringify({ ok: true, database: config.database.kind })}\n`);
      else process.stdout.write(`Database up to date (${where})\n`);
      return 0;
    },
  },

  'user create': {
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      'display-name': { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(config, values) {
      if (values.password !== undefined) {
        throw new CliUsageError(
          'Passwords are not taken on the command line (they would stay in the shell history and show in the ' +
            'process list): type it at the prompt, or give it on standard input',
        );
      }
      const parsed = schemas.signUpBody.safeParse({
        username: values.username,
        password: await readPassword(),
        ...(values['display-name'] !== undefined ? { displayName: values['display-name'] } : {}),
      });
      if (!parsed.success) throw new CliError('bad_request', z.prettifyError(parsed.error));
      const core = await createCore(config, { logger: createLogger('warn', 'stderr') });
      try {
        const user = await core.accounts.createUser(parsed.data);
        if (values.json) process.stdout.write(`${JSON.stringify(presentSelf(user))}\n`);
        else process.stdout.write(`Created ${user.username} (${user.id})\n`);
        return 0;
      } catch (e) {
        if (isAppError(e)) throw new CliError(e.id, e.message);
        throw e;
      } finally {
        await core.close();
      }
    },
  },

  'user delete': {
    options: { username: { type: 'string' }, json: { type: 'boolean' } },
    async run(config, values) {
      const o = required(values, 'username');
      const user = await withCore(config, async (core) => {
        const found = await core.storage.reader.accounts.userByUsername(o.username.trim().toLowerCase());
        if (found?.kind !== 'person') throw new CliError('user_not_found', `No person is named ${o.username}`);
        await core.flows.accountDeletion.delete(found.id);
        return found;
      });
      if (values.json) process.stdout.write(`${JSON.stringify({ deleted: { id: user.id } })}\n`);
      else process.stdout.write(`Deleted the account of ${user.username} (${user.id})\n`);
      return 0;
    },
  },

  'page create': {
    options: {
      owner: { type: 'string' },
      name: { type: 'string' },
      username: { type: 'string' },
      description: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(config, values) {
      if (typeof values.owner !== 'string') throw new CliUsageError('--owner USERNAME is required');
      const parsed = schemas.createPageBody.safeParse({
        name: values.name,
        username: values.username,
        ...(values.description !== undefined ? { description: values.description } : {}),
      });
      if (!parsed.success) throw new CliError('bad_request', z.prettifyError(parsed.error));
      const core = await createCore(config, { logger: createLogger('warn', 'stderr') });
      try {
        const owner = await core.storage.reader.accounts.userByUsername(values.owner.trim().toLowerCase());
        if (owner?.kind !== 'person') throw new CliError('user_not_found', `No person named ${values.owner}`);
        const page = await core.flows.pages.create(owner.id, parsed.data);
        if (values.json) {
          process.stdout.write(
            `${JSON.stringify({ page: { id: page.id, username: page.username, name: page.name } })}\n`,
          );
        } else
          process.stdout.write(
            `Created the page ${page.name} (@${page.username}, ${page.id}), run by ${owner.username}\n`,
          );
        return 0;
      } catch (e) {
        if (isAppError(e)) throw new CliError(e.id, e.message);
        throw e;
      } finally {
        await core.close();
      }
    },
  },

  'app create': {
    options: { owner: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    async run(config, values) {
      const o = required(values, 'owner', 'name');
      const parsed = schemas.createAppBody.safeParse({ name: o.name });
      if (!parsed.success) throw invalid(parsed.error);
      const { app, secret } = await withCore(config, async (core) => {
        const owner = await core.storage.reader.accounts.userByUsername(o.owner.trim().toLowerCase());
        if (!owner) throw new CliError('user_not_found', `No account is named ${o.owner}`);
        return core.apps.create(owner.id, parsed.data.name);
      });
      if (values.json) process.stdout.write(`${JSON.stringify({ app: { id: app.id, secret } })}\n`);
      else
        process.stdout.write(
          `Created app ${app.name} (${app.id})\nIts secret, shown this once — keep it somewhere safe:\n${secret}\n`,
        );
      return 0;
    },
  },

  'app webhook': {
    options: {
      app: { type: 'string' },
      url: { type: 'string' },
      'verify-token': { type: 'string' },
      fields: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(config, values) {
      const o = required(values, 'app', 'url', 'verify-token', 'fields');
      const parsed = schemas.setWebhookBody.safeParse({
        url: o.url,
        verifyToken: o['verify-token'],
        fields: o.fields
          .split(',')
          .map((f) => f.trim())
          .filter((f) => f !== ''),
      });
      if (!parsed.success) throw invalid(parsed.error);
      const webhook = await withCore(config, async (core) => {
        // The operator acts for the app's owner, whoever that is.
        const app = await core.storage.reader.apps.appById(o.app);
        if (!app) throw new CliError('app_not_found', `No app has the id ${o.app}`);
        return core.apps.setWebhook(app.ownerId, app.id, parsed.data);
      });
      const verified = webhook.verifiedAt !== null;
      if (values.json)
        process.stdout.write(
          `${JSON.stringify({ webhook: { url: webhook.url, fields: webhook.fields, verified } })}\n`,
        );
      else
        process.stdout.write(
          `Webhook of ${o.app} set to ${webhook.url} (${webhook.fields.join(', ')}): it answered the handshake\n`,
        );
      return 0;
    },
  },

  'app connect': {
    options: { app: { type: 'string' }, page: { type: 'string' }, json: { type: 'boolean' } },
    async run(config, values) {
      const o = required(values, 'app', 'page');
      const token = await withCore(config, async (core) => {
        // The operator acts for the app's owner, who must run the page as admin.
        const app = await core.storage.reader.apps.appById(o.app);
        if (!app) throw new CliError('app_not_found', `No app has the id ${o.app}`);
        return (await core.apps.connect(app.ownerId, app.id, o.page)).token;
      });
      if (values.json) process.stdout.write(`${JSON.stringify({ pageAccessToken: token })}\n`);
      else process.stdout.write(`Page access token of ${o.app} for ${o.page} (shown once):\n${token}\n`);
      return 0;
    },
  },
};
