/**
 * The checkbox plugin's files (docs/PLATFORM.md, "Opt-in at checkout"): Messenger's checkbox plugin, done
 * for Comptoir. Plain scripts without a framework, small, the same for every page (cacheable):
 * - `/plugins/checkbox.js`, embedded by the merchant's checkout: it turns each
 *   `<div class="comptoir-checkbox" data-page-id data-user-ref data-ref?>` into an iframe of Comptoir's,
 *   and relays what the frame tells as a `comptoir:optin` DOM event on that element;
 * - `/plugins/checkbox` (html, below), the frame itself: the box for a signed-in person, else the link flow's
 *   link. Its CSP lets the merchant's origin frame it, and nothing else, once that origin is one of the
 *   page's whitelisted domains (else no one);
 * - `/plugins/checkbox-frame.js`, the frame's script: ticking records the opt-in (`POST /api/optins`, a
 *   same-origin request with the session cookie), unticking revokes it; each outcome is posted to the
 *   embedding page (`postMessage`, to its origin only).
 */

export const CHECKBOX_JS = `/* Comptoir checkbox plugin: docs/PLATFORM.md, "Opt-in at checkout". */
(function () {
  'use strict';
  var me = document.currentScript;
  var base = new URL(me && me.src ? me.src : '/', location.href).origin;
  function mount(el) {
    if (el.getAttribute('data-comptoir-mounted')) return;
    el.setAttribute('data-comptoir-mounted', '1');
    var q = new URLSearchParams();
    q.set('page_id', el.getAttribute('data-page-id') || '');
    q.set('user_ref', el.getAttribute('data-user-ref') || '');
    var ref = el.getAttribute('data-ref');
    if (ref) q.set('ref', ref);
    q.set('origin', location.origin);
    q.set('return_to', el.getAttribute('data-return-to') || location.href.split('#')[0]);
    var frame = document.createElement('iframe');
    frame.src = base + '/plugins/checkbox?' + q.toString();
    frame.title = el.getAttribute('data-title') || 'Comptoir';
    frame.setAttribute('scrolling', 'no');
    frame.style.cssText = 'border:0;width:100%;max-width:28rem;height:4.5rem;display:block;';
    window.addEventListener('message', function (e) {
      if (e.origin !== base || e.source !== frame.contentWindow) return;
      var d = e.data;
      if (!d || d.type !== 'comptoir:optin') return;
      el.setAttribute('data-comptoir-state', d.event);
      el.dispatchEvent(new CustomEvent('comptoir:optin', { detail: d, bubbles: true }));
    });
    el.appendChild(frame);
  }
  function scan() {
    var els = document.querySelectorAll('.comptoir-checkbox');
    for (var i = 0; i < els.length; i++) mount(els[i]);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
  else scan();
  window.ComptoirCheckbox = { scan: scan };
})();
`;

export const CHECKBOX_FRAME_JS = `/* The frame of Comptoir's checkbox plugin (see /plugins/checkbox.js). */
(function () {
  'use strict';
  var d = document.body.dataset;
  var box = document.getElementById('box');
  var status = document.getElementById('status');
  function tell(event, extra) {
    var m = { type: 'comptoir:optin', event: event, pageId: d.pageId, userRef: d.userRef, ref: d.ref || null };
    for (var k in extra) m[k] = extra[k];
    if (d.origin && window.parent !== window) window.parent.postMessage(m, d.origin);
  }
  tell('rendered', { signedIn: d.signedIn === 'true' });
  if (!box) return;
  box.addEventListener('change', function () {
    var on = box.checked;
    box.disabled = true;
    status.textContent = '';
    var body = on
      ? { pageId: d.pageId, userRef: d.userRef, origin: d.origin, how: 'checkbox' }
      : { pageId: d.pageId, userRef: d.userRef };
    if (on && d.ref) body.ref = d.ref;
    fetch(on ? '/api/optins' : '/api/optins/revoke', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.ok) {
        status.textContent = on ? d.doneText : '';
        tell(on ? 'opted_in' : 'opted_out', {});
        return;
      }
      return r.json().then(function (e) {
        box.checked = !on;
        status.textContent = (e && e.message) || d.failedText;
        tell('error', { error: (e && e.id) || 'internal' });
      });
    }).catch(function () {
      box.checked = !on;
      status.textContent = d.failedText;
      tell('error', { error: 'network' });
    }).then(function () {
      box.disabled = false;
    });
  });
})();
`;

/** The frame's words, in the languages of the web app. */
const words = {
  en: {
    label: 'Send my order updates to Comptoir',
    from: (page: string, name: string) => `From ${page}, to you (${name}).`,
    link: 'Get updates on Comptoir',
    linkHint: (page: string) => `Receive ${page}’s order updates in Comptoir.`,
    done: 'Done: your updates will come to Comptoir.',
    failed: 'That did not work; try again.',
    refused: 'Comptoir cannot show its opt-in here.',
  },
  fr: {
    label: 'Envoyer le suivi de ma commande sur Comptoir',
    from: (page: string, name: string) => `De ${page}, pour vous (${name}).`,
    link: 'Suivre ma commande sur Comptoir',
    linkHint: (page: string) => `Recevez les nouvelles de votre commande chez ${page} dans Comptoir.`,
    done: 'C’est fait : le suivi vous arrivera sur Comptoir.',
    failed: 'Cela n’a pas fonctionné ; réessayez.',
    refused: 'Comptoir ne peut pas afficher son abonnement ici.',
  },
} as const;
export type FrameLanguage = keyof typeof words;

/** French when the browser prefers it to English, else English. */
export function frameLanguage(acceptLanguage: string | undefined): FrameLanguage {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'fr') return 'fr';
    if (tag === 'en') return 'en';
  }
  return 'en';
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `body{margin:0;font:15px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:transparent}
label{display:flex;gap:.5rem;align-items:center;cursor:pointer;font-weight:600}
input{width:1.1rem;height:1.1rem;margin:0}
input:focus-visible,a:focus-visible{outline:2px solid #2f6fde;outline-offset:2px}
.sub,#status{margin:.15rem 0 0 1.6rem;font-size:13px;color:#55575d}
a{color:#2f6fde;font-weight:600}
.link .sub{margin-left:0}`;

/** The frame's policy: scripts and requests to Comptoir only; framed by `ancestor` alone (null: no one). */
export function frameCsp(ancestor: string | null): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    `frame-ancestors ${ancestor ?? "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface FrameState {
  lang: FrameLanguage;
  pageId: string;
  pageName: string;
  userRef: string;
  ref: string | null;
  origin: string;
  /** The signed-in person's display name (null: no session here — the link is shown). */
  person: string | null;
  /** Whether this person already opted in with this user_ref. */
  checked: boolean;
  /** The link flow's URL on Comptoir. */
  linkUrl: string;
}

/** The frame: the box for a signed-in person, else the link flow's link (opened in the top window). */
export function frameHtml(s: FrameState): string {
  const w = words[s.lang];
  const data = [
    ['page-id', s.pageId],
    ['user-ref', s.userRef],
    ['ref', s.ref ?? ''],
    ['origin', s.origin],
    ['signed-in', String(s.person !== null)],
    ['done-text', w.done],
    ['failed-text', w.failed],
  ]
    .map(([k, v]) => ` data-${k}="${escapeHtml(v as string)}"`)
    .join('');
  const body =
    s.person !== null
      ? `<label><input type="checkbox" id="box"${s.checked ? ' checked' : ''}> ${escapeHtml(w.label)}</label>
<p class="sub">${escapeHtml(w.from(s.pageName, s.person))}</p>
<p id="status" role="status" aria-live="polite"></p>`
      : `<div class="link"><a id="link" href="${escapeHtml(s.linkUrl)}" target="_top">${escapeHtml(w.link)}</a>
<p class="sub">${escapeHtml(w.linkHint(s.pageName))}</p></div>`;
  return `<!doctype html>
<html lang="${s.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Comptoir</title><style>${STYLE}</style></head>
<body${data}>
${body}
<script src="/plugins/checkbox-frame.js"></script>
</body></html>`;
}

/** What the frame shows when it cannot work here (a bad request, an origin the page did not whitelist). */
export function refusedHtml(lang: FrameLanguage, message: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Comptoir</title><style>${STYLE}</style></head>
<body><p role="alert">${escapeHtml(words[lang].refused)}</p><p class="sub">${escapeHtml(message)}</p></body></html>`;
}
