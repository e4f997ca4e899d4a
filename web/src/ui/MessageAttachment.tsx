import { useRef } from 'react';
import type { Attachment, Button, QuickReply, Template } from '../../../protocol/content.ts';
import { useI18n } from '../i18n/useI18n.ts';
import { safeUrl } from '../lib/urls.ts';
import type { Tap } from '../state/types.ts';
import { hideBroken } from './images.ts';
import './attachment.css';

/** Taps on what a page offers (postback buttons, quick replies); absent where nothing may be tapped. */
export type OnTap = (title: string, tap: Tap) => void;

interface Interactive {
  onTap?: OnTap | undefined;
  /** In the tab order (the thread's focused message), or reached by arrow keys only. */
  tabbable: boolean;
}

/**
 * A button of a page's message. Links open in a new tab, phone numbers call, a postback is sent as the
 * person's message (its title; its payload goes to the page's app).
 */
function MessageButton({ button, onTap, tabbable }: { button: Button } & Interactive) {
  const tabIndex = tabbable ? 0 : -1;
  if (button.type === 'web_url') {
    const href = safeUrl(button.url);
    return href ? (
      <a
        className="msg-button"
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        tabIndex={tabIndex}
        data-testid="url-button"
      >
        {button.title}
      </a>
    ) : (
      <span className="msg-button">{button.title}</span>
    );
  }
  if (button.type === 'phone_number') {
    return (
      <a
        className="msg-button"
        href={`tel:${button.payload.replace(/[^+0-9]/g, '')}`}
        tabIndex={tabIndex}
        data-testid="phone-button"
      >
        {button.title}
      </a>
    );
  }
  return onTap ? (
    <button
      type="button"
      className="msg-button msg-button-postback"
      data-testid="postback-button"
      tabIndex={tabIndex}
      onClick={() => onTap(button.title, { kind: 'postback', payload: button.payload })}
    >
      {button.title}
    </button>
  ) : (
    <span className="msg-button msg-button-postback" data-testid="postback-button">
      {button.title}
    </span>
  );
}

const Buttons = ({ buttons, ...rest }: { buttons: readonly Button[] | undefined } & Interactive) =>
  buttons && buttons.length > 0 ? (
    <div className="msg-buttons">
      {buttons.map((b, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a message's buttons never change order
        <MessageButton key={i} button={b} {...rest} />
      ))}
    </div>
  ) : null;

type GenericTemplate = Extract<Template, { templateType: 'generic' }>;

/**
 * A generic template's cards, side by side: it scrolls sideways (with the pointer, or ←/→/Home/End once
 * focused, one card at a time), and each card's buttons are in the tab order like any other.
 */
function Carousel({ template, ...rest }: { template: GenericTemplate } & Interactive) {
  const { t } = useI18n();
  const ref = useRef<HTMLElement>(null);
  const count = template.elements.length;
  const onKeyDown = (e: React.KeyboardEvent<HTMLElement>) => {
    const el = ref.current;
    if (e.target !== e.currentTarget || !el) return;
    const cards = [...el.querySelectorAll<HTMLElement>('.msg-card')];
    const current = cards.findIndex((c) => c.offsetLeft + c.offsetWidth / 2 >= el.scrollLeft);
    const to =
      e.key === 'ArrowRight'
        ? current + 1
        : e.key === 'ArrowLeft'
          ? current - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? cards.length - 1
              : null;
    if (to === null) return;
    e.preventDefault();
    e.stopPropagation();
    const card = cards[Math.max(0, Math.min(cards.length - 1, to))];
    if (card) el.scrollTo({ left: card.offsetLeft - el.offsetLeft, behavior: 'smooth' });
  };
  return (
    // A region (section + label), as in the WAI-ARIA carousel pattern; focusable, so that the keyboard scrolls it.
    <section
      ref={ref}
      className="msg-cards"
      data-testid="template-generic"
      aria-roledescription={t('message.carousel')}
      aria-label={t('message.carousel.label', { count })}
      tabIndex={rest.tabbable ? 0 : -1}
      onKeyDown={onKeyDown}
    >
      {template.elements.map((e, i) => {
        const image = e.imageUrl ? safeUrl(e.imageUrl) : null;
        const link = e.defaultAction ? safeUrl(e.defaultAction.url) : null;
        return (
          // biome-ignore lint/a11y/useSemanticElements: a carousel's slide (WAI-ARIA), not a form's fieldset
          <div
            className="msg-card"
            // biome-ignore lint/suspicious/noArrayIndexKey: a message's elements never change order
            key={i}
            role="group"
            aria-roledescription={t('message.carousel.card')}
            aria-label={t('message.carousel.position', { index: i + 1, count })}
            data-testid="carousel-card"
          >
            {image && <img className="msg-card-image" src={image} alt="" onError={hideBroken} />}
            <p className="msg-card-title">
              {link ? (
                <a href={link} target="_blank" rel="noopener noreferrer" tabIndex={rest.tabbable ? 0 : -1}>
                  {e.title}
                </a>
              ) : (
                e.title
              )}
            </p>
            {e.subtitle && <p className="msg-card-text">{e.subtitle}</p>}
            <Buttons buttons={e.buttons} {...rest} />
          </div>
        );
      })}
    </section>
  );
}

/** What a page's message carries besides text: media, a carousel, buttons, a receipt. */
export function MessageAttachment({ attachment, ...rest }: { attachment: Attachment } & Interactive) {
  const { t } = useI18n();
  if (attachment.type !== 'template') {
    const href = safeUrl(attachment.url);
    if (attachment.type === 'image' && href)
      return <img className="msg-media" src={href} alt={t('message.attachment.image')} />;
    return href ? (
      <a className="msg-button" href={href} target="_blank" rel="noopener noreferrer" tabIndex={rest.tabbable ? 0 : -1}>
        {t(`message.attachment.${attachment.type}`)}
      </a>
    ) : null;
  }
  const tpl = attachment.template;
  switch (tpl.templateType) {
    case 'button':
      return (
        <div className="msg-card" data-testid="template-button">
          <p className="msg-card-text">{tpl.text}</p>
          <Buttons buttons={tpl.buttons} {...rest} />
        </div>
      );
    case 'generic':
      return <Carousel template={tpl} {...rest} />;
    case 'media': {
      const el = tpl.elements[0];
      const href = el ? safeUrl(el.url) : null;
      return el ? (
        <div className="msg-card" data-testid="template-media">
          {href && el.mediaType === 'image' ? (
            <img className="msg-media" src={href} alt={t('message.attachment.image')} />
          ) : href ? (
            <a
              className="msg-button"
              href={href}
              target="_blank"
              rel="noopener noreferrer"
              tabIndex={rest.tabbable ? 0 : -1}
            >
              {t('message.attachment.video')}
            </a>
          ) : null}
          <Buttons buttons={el.buttons} {...rest} />
        </div>
      ) : null;
    }
    case 'receipt': {
      const money = (n: number) => `${n.toFixed(2)} ${tpl.currency}`;
      return (
        <div className="msg-card msg-receipt" data-testid="template-receipt">
          <p className="msg-card-title">{t('message.receipt.title', { number: tpl.orderNumber })}</p>
          {tpl.merchantName && <p className="msg-card-text">{tpl.merchantName}</p>}
          {tpl.elements && (
            <ul className="msg-receipt-items">
              {tpl.elements.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a receipt's lines never change order
                <li key={i}>
                  <span>
                    {e.quantity !== undefined ? `${e.quantity} × ` : ''}
                    {e.title}
                  </span>
                  <span>{money(e.price)}</span>
                </li>
              ))}
            </ul>
          )}
          <p className="msg-receipt-total">
            <span>{t('message.receipt.total')}</span>
            <span>{money(tpl.summary.totalCost)}</span>
          </p>
          <p className="msg-card-text">{tpl.paymentMethod}</p>
        </div>
      );
    }
  }
}

/**
 * The answers a page offers under its latest message, until the person answers. Tapping one sends its
 * title as the person's message, with its payload for the page's app. Email and phone quick replies
 * (which would share the person's address or number) are shown, not offered: Comptoir does not hold them.
 */
export function QuickReplies({ replies, onTap, tabbable }: { replies: readonly QuickReply[] } & Interactive) {
  const { t } = useI18n();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a set of buttons, not a form's fieldset
    <div className="msg-quick-replies" data-testid="quick-replies" role="group" aria-label={t('message.quickReplies')}>
      {replies.map((q, i) =>
        q.contentType === 'text' && onTap ? (
          <button
            // biome-ignore lint/suspicious/noArrayIndexKey: a message's quick replies never change order
            key={i}
            type="button"
            className="msg-quick-reply"
            data-testid="quick-reply"
            tabIndex={tabbable ? 0 : -1}
            onClick={() => onTap(q.title, { kind: 'quickReply', payload: q.payload })}
          >
            {q.imageUrl && safeUrl(q.imageUrl) && (
              <img className="msg-quick-reply-image" src={q.imageUrl} alt="" onError={hideBroken} />
            )}
            {q.title}
          </button>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: a message's quick replies never change order
          <span key={i} className="msg-quick-reply msg-quick-reply-inert">
            {q.contentType === 'text' ? q.title : q.contentType === 'user_email' ? '@' : '☎'}
          </span>
        ),
      )}
    </div>
  );
}
