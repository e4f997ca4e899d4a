import type { DeliveriesResponse } from '../../../protocol/api.ts';
import type { DeliveryView } from '../../../protocol/views.ts';
import type { DeliveryLog, State } from './types.ts';

/**
 * My apps' webhook delivery logs, as the server last answered (read over HTTP: the log is not in the
 * event stream). Pure; each returns the same state when nothing changes and keeps the objects of
 * unchanged deliveries, so that a row does not re-render for another.
 */

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The list with each delivery that did not change kept as the object it was. */
function keepUnchanged(old: readonly DeliveryView[], fresh: readonly DeliveryView[]): DeliveryView[] {
  const byId = new Map(old.map((d) => [d.id, d]));
  return fresh.map((d) => {
    const o = byId.get(d.id);
    return o && same(o, d) ? o : d;
  });
}

function withLog(state: State, appId: string, log: DeliveryLog): State {
  const old = state.deliveries[appId];
  if (old && old.next === log.next && old.deliveries.length === log.deliveries.length) {
    if (old.deliveries.every((d, i) => d === log.deliveries[i])) return state;
  }
  return { ...state, deliveries: { ...state.deliveries, [appId]: log } };
}

/**
 * The newest page of the log, read (again). What was loaded further back stays when the new page reaches
 * it (its oldest delivery is among those loaded), with the cursor it had; otherwise the page replaces it.
 */
export function setDeliveries(state: State, appId: string, page: DeliveriesResponse): State {
  const old = state.deliveries[appId];
  const fresh = old ? keepUnchanged(old.deliveries, page.deliveries) : [...page.deliveries];
  const last = page.deliveries.at(-1);
  const at = old && last && page.next !== null ? old.deliveries.findIndex((d) => d.id === last.id) : -1;
  if (old && at >= 0) {
    const ids = new Set(fresh.map((d) => d.id));
    const older = old.deliveries.slice(at + 1).filter((d) => !ids.has(d.id));
    return withLog(state, appId, { deliveries: [...fresh, ...older], next: old.next });
  }
  return withLog(state, appId, { deliveries: fresh, next: page.next });
}

/** An older page ("Load older", `before` = the log's `next`): after what is loaded, without repeats. */
export function addOlderDeliveries(state: State, appId: string, page: DeliveriesResponse): State {
  const old = state.deliveries[appId];
  if (!old) return setDeliveries(state, appId, page);
  const ids = new Set(old.deliveries.map((d) => d.id));
  const older = page.deliveries.filter((d) => !ids.has(d.id));
  return withLog(state, appId, { deliveries: [...old.deliveries, ...older], next: page.next });
}

/** One delivery read again (`GET …/deliveries/:id`): replaces it where it is in the log; nothing else. */
export function setDelivery(state: State, appId: string, delivery: DeliveryView): State {
  const old = state.deliveries[appId];
  const at = old ? old.deliveries.findIndex((d) => d.id === delivery.id) : -1;
  if (!old || at < 0 || same(old.deliveries[at], delivery)) return state;
  const deliveries = old.deliveries.slice();
  deliveries[at] = delivery;
  return withLog(state, appId, { ...old, deliveries });
}

/** The log of an app forgotten (the app is gone). */
export function forgetDeliveries(state: State, appId: string): State {
  if (!(appId in state.deliveries)) return state;
  const { [appId]: _, ...deliveries } = state.deliveries;
  return { ...state, deliveries };
}
