import * as c from '../../../protocol/compose.ts';
import { arrayOf, boolean, integer, nullable, objectSchema, oneOf, ref, string, time } from './schema.ts';

/** Content apps' answers (protocol/compose.ts), each written once, checked like views.ts's. */

export const composeViews = {
  ComposeExtensionView: objectSchema<c.ComposeExtensionView>(
    {
      name: string,
      iconUrl: string,
      icon: string,
      kinds: arrayOf(oneOf(c.composeKinds)),
      queryUrl: string,
      updatedAt: time,
    },
    {},
    '`iconUrl`: where the icon was fetched from; `icon`: where Comptoir serves its own copy.',
  ),
  ComposeAppView: objectSchema<c.ComposeAppView>(
    { appId: string, name: string, icon: string, kinds: arrayOf(oneOf(c.composeKinds)), enabled: boolean },
    {},
    'A content app as people see it: never its query URL.',
  ),
  ComposeResultView: objectSchema<c.ComposeResultView>(
    {
      id: string,
      type: oneOf(c.composeKinds),
      previewUrl: string,
      width: nullable(integer),
      height: nullable(integer),
      durationMs: nullable(integer),
      title: nullable(string),
    },
    {},
    "`previewUrl`: Comptoir's link to the preview, for the person who searched only (never the app's URL).",
  ),
};

export const composeAnswers = {
  ComposeExtensionResponse: objectSchema<c.ComposeExtensionResponse>(
    { extension: nullable(ref('ComposeExtensionView')) },
    {},
  ),
  ComposeAppsResponse: objectSchema<c.ComposeAppsResponse>({ apps: arrayOf(ref('ComposeAppView')) }, {}),
  ComposeAppResponse: objectSchema<c.ComposeAppResponse>({ app: ref('ComposeAppView') }, {}),
  ComposeResultsResponse: objectSchema<c.ComposeResultsResponse>(
    { results: arrayOf(ref('ComposeResultView')), nextOffset: nullable(string) },
    {},
  ),
};
