import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PAGE_INBOX_APP_ID } from '../../protocol/views.ts';
import { graphParams } from './graph-body.ts';
import { edgePaths, fieldsOf, type GraphDeps, open, type PageCall, pick, read } from './graph-call.ts';
import { graph } from './graph-errors.ts';
import { type HandoverOutcome, PAGE_INBOX_NAME } from './handover.ts';

/**
 * The handover protocol's Graph API (docs/PLATFORM.md): `POST me/pass_thread_control`,
 * `me/take_thread_control`, `me/request_thread_control` → `{success: true}`; `GET me/thread_owner?recipient=`
 * → `{data: [{thread_owner: {app_id}}]}`; `GET me/secondary_receivers` → `{data: [{id, name}]}`. The rules
 * are HandoverService's (handover.ts); here, Messenger's bodies and errors.
 */

/** Characters of metadata handed over with a thread. */
export const HANDOVER_METADATA_MAX = 1000;

const id = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]).transform(String);
const metadata = z
  .union([z.string().max(HANDOVER_METADATA_MAX), z.number(), z.boolean()])
  .transform(String)
  .nullish()
  .transform((v) => v ?? null);
const recipient = z.looseObject({ id });
const passBody = z.looseObject({ recipient, target_app_id: id, metadata });
const controlBody = z.looseObject({ recipient, metadata });

/** `{success: true}`, or the protocol's refusal as the Graph API says it. */
function answer(outcome: HandoverOutcome) {
  if (outcome.ok) return { success: true };
  switch (outcome.refusal) {
    case 'unknown_app':
      throw graph.param('target_app_id', 'no app has this id');
    case 'not_receiver':
      throw graph.param('target_app_id', 'the app is not connected to this page: it is not one of its receivers');
    case 'same_app':
      throw graph.param('target_app_id', 'the app already controls this thread');
    case 'already_owner':
      throw graph.param('recipient', 'the app already controls this thread');
    case 'not_owner':
      throw graph.permission('(#200) The app does not control this thread: only the thread owner may pass it');
    case 'not_primary':
      throw graph.permission('(#200) Only the Primary Receiver may take thread control');
    case 'primary_takes':
      throw graph.permission(
        '(#200) The Primary Receiver takes thread control (take_thread_control); it does not request it',
      );
  }
}

export function handoverRoutes(g: FastifyInstance, pageCall: PageCall, deps: GraphDeps) {
  const r = deps.storage.reader;
  /** The person the page knows by this PSID (never another page's), or 100 / 2018001. */
  const personOf = async (pageId: string, psid: string) => {
    const userId = await r.pages.userByPsid(pageId, psid);
    if (!userId) throw graph.noUser();
    return userId;
  };

  const pass = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const body = read(passBody, graphParams(req));
    const userId = await personOf(grant.pageId, body.recipient.id);
    return answer(await deps.handover.pass(grant.pageId, userId, grant.appId, body.target_app_id, body.metadata));
  };
  const take = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const body = read(controlBody, graphParams(req));
    const userId = await personOf(grant.pageId, body.recipient.id);
    return answer(await deps.handover.take(grant.pageId, userId, grant.appId, body.metadata));
  };
  const request = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const body = read(controlBody, graphParams(req));
    const userId = await personOf(grant.pageId, body.recipient.id);
    return answer(await deps.handover.request(grant.pageId, userId, grant.appId, body.metadata));
  };
  const threadOwner = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const psid = read(z.looseObject({ recipient: id }), req.query as Record<string, unknown>).recipient;
    const userId = await personOf(grant.pageId, psid);
    return { data: [{ thread_owner: { app_id: await deps.handover.owner(grant.pageId, userId) } }] };
  };
  const secondaryReceivers = async (req: FastifyRequest) => {
    const grant = await pageCall(req);
    const fields = fieldsOf(req, ['id', 'name'], 'Application');
    const receivers = await deps.handover.receivers(grant.pageId);
    if (grant.appId !== receivers.primaryAppId)
      throw graph.permission('(#200) Only the Primary Receiver may read the secondary receivers');
    const secondary = [
      ...receivers.apps.filter((a) => a.id !== receivers.primaryAppId),
      ...(receivers.primaryAppId === PAGE_INBOX_APP_ID ? [] : [{ id: PAGE_INBOX_APP_ID, name: PAGE_INBOX_NAME }]),
    ];
    return { data: secondary.map((a) => pick({ id: a.id, name: a.name }, fields)) };
  };

  for (const path of edgePaths('pass_thread_control')) g.post(path, open, pass);
  for (const path of edgePaths('take_thread_control')) g.post(path, open, take);
  for (const path of edgePaths('request_thread_control')) g.post(path, open, request);
  for (const path of edgePaths('thread_owner')) g.get(path, open, threadOwner);
  for (const path of edgePaths('secondary_receivers')) g.get(path, open, secondaryReceivers);
}
