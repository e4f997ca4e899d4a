import type { Attachment, Button, QuickReply } from '../../../protocol/content.ts';
import { useI18n } from '../i18n/useI18n.ts';
import './attachment.css';

/** Only http(s) links leave the app (the server checks too: protocol/content.ts). */
const safeUrl = (url: string): string | null => {
  try {
    const p = new URL(url).protocol;
    return p === 'https:' || p === 'http:' ? url : null;
  } catch {
    return null;
  }
};

/**
 * A button of a page's message. Links open in a new tab, phone numbers call; a postback is shown as the
 * page offered it (tapping it, which tells the page's app, comes with the postback frames).
 */
function MessageButton({ button }: { button: Button }) {
  if (button.type === 'web_url') {
    const href = safeUrl(button.url);
    return href ? (
      <a className="msg-button" href={href} target="_blank" rel="noopener noreferrer nofollow">
        {button.title}
      </a>
    ) : (
      <span className="msg-button">{button.title}</span>
    );
  }
  if (button.type === 'phone_number') {
    return (
      <a className="msg-button" href={`tel:${button.payload.replace(/[^+0-9]/g, '')}`}>
        {button.title}
      </a>
    );
  }
  return (
    <span className="msg-button msg-button-postback" data-testid="postback-button">
      {button.title}
    </span>
  );
}

const Buttons = ({ buttons }: { buttons: readonly Button[] | undefined }) =>
  buttons && buttons.length > 0 ? (
    <div className="msg-buttons">
      {buttons.map((b, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a message's buttons never change order
        <MessageButton key={i} button={b} />
      ))}
    </div>
  ) : null;

/** What a page's message carries besides text: media, a carousel, buttons, a receipt. */
export function MessageAttachment({ attachment }: { attachment: Attachment }) {
  const { t } = useI18n();
  if (attachment.type !== 'template') {
    const href = safeUrl(attachment.url);
    if (attachment.type === 'image' && href)
      return <img className="msg-media" src={href} alt={t('message.attachment.image')} />;
    return href ? (
      <a className="msg-button" href={href} target="_blank" rel="noopener noreferrer nofollow">
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
          <Buttons buttons={tpl.buttons} />
        </div>
      );
    case 'generic':
      return (
        <div className="msg-cards" data-testid="template-generic">
          {tpl.elements.map((e, i) => {
            const image = e.imageUrl ? safeUrl(e.imageUrl) : null;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a message's elements never change order
              <div className="msg-card" key={i}>
                {image && <img className="msg-card-image" src={image} alt="" />}
                <p className="msg-card-title">{e.title}</p>
                {e.subtitle && <p className="msg-card-text">{e.subtitle}</p>}
                <Buttons buttons={e.buttons} />
              </div>
            );
          })}
        </div>
      );
    case 'media': {
      const el = tpl.elements[0];
      const href = el ? safeUrl(el.url) : null;
      return el ? (
        <div className="msg-card" data-testid="template-media">
          {href && el.mediaType === 'image' ? (
            <img className="msg-media" src={href} alt={t('message.attachment.image')} />
          ) : href ? (
            <a className="msg-button" href={href} target="_blank" rel="noopener noreferrer nofollow">
              {t('message.attachment.video')}
            </a>
          ) : null}
          <Buttons buttons={el.buttons} />
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

/** The answers a page offers under its message (tapping one comes with the quick-reply frames). */
export function QuickReplies({ replies }: { replies: readonly QuickReply[] }) {
  return (
    <div className="msg-quick-replies" data-testid="quick-replies">
      {replies.map((q, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a message's quick replies never change order
        <span key={i} className="msg-quick-reply">
          {q.contentType === 'text' ? q.title : q.contentType === 'user_email' ? '@' : '☎'}
        </span>
      ))}
    </div>
  );
}
