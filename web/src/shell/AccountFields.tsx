/** What the forms of Settings' "Account" section share (AccountSection.tsx). */

/** A form's outcome in words: a success (a status) or a failure (an alert); null: nothing to say. */
export type FormOutcome = { ok: boolean; text: string } | null;

export function FormMessage({ message }: { message: FormOutcome }) {
  if (!message) return null;
  return (
    <p className={message.ok ? 'field-hint' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
      {message.text}
    </p>
  );
}

/** A labelled password input; its error, where it shows, is the form's (named by `describedBy`). */
export function PasswordField(props: {
  id: string;
  label: string;
  autoComplete: 'current-password' | 'new-password';
  testId: string;
  maxLength: number;
  value: string;
  invalid: boolean;
  describedBy: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={props.id} className="field-label">
        {props.label}
      </label>
      <input
        id={props.id}
        className="input"
        type="password"
        autoComplete={props.autoComplete}
        data-testid={props.testId}
        maxLength={props.maxLength}
        value={props.value}
        aria-invalid={props.invalid ? true : undefined}
        aria-describedby={props.describedBy}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </>
  );
}
