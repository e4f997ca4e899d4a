import type { PresenceResponse, SettingsResponse } from '../../../protocol/api.ts';
import { PRESENCE_QUERY_MAX } from '../../../protocol/limits.ts';
import { request } from './http.ts';

/** Presence and the person's settings (docs/PROTOCOL.md, "Presence"). */
export const presenceApi = {
  /** One request per PRESENCE_QUERY_MAX people. */
  presence: async (userIds: readonly string[]): Promise<PresenceResponse> => {
    const presence: PresenceResponse['presence'] = [];
    for (let i = 0; i < userIds.length; i += PRESENCE_QUERY_MAX) {
      const chunk = userIds
        .slice(i, i + PRESENCE_QUERY_MAX)
        .map(encodeURIComponent)
        .join(',');
      presence.push(...(await request<PresenceResponse>('GET', `/api/presence?userIds=${chunk}`)).presence);
    }
    return { presence };
  },
  settings: () => request<SettingsResponse>('GET', '/api/me/settings'),
  updateSettings: (showPresence: boolean) => request<SettingsResponse>('PATCH', '/api/me/settings', { showPresence }),
};
