import type { SyntheticEvent } from 'react';

/**
 * A decorative image that did not load is hidden rather than shown broken: images from other sites are
 * refused by the app's Content-Security-Policy (no request leaves a person's browser for a third party)
 * until the media pipeline serves them through Comptoir.
 */
export const hideBroken = (e: SyntheticEvent<HTMLImageElement>): void => {
  e.currentTarget.hidden = true;
};
