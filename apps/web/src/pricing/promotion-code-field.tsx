import { PROMOTION_CODE_MAX_LENGTH } from '@subkit/billing/promotion-code-bounds';
import { useId } from 'react';
import { describeError } from '../ui/describe-error';

/**
 * True for a checkout failure that is about the promotion code (the server's "Invalid promotion
 * code", or a validation message naming `promotionCode`): it is shown next to the field, not above
 * the plans. The web app sees only the server's types, so it goes by the public message.
 */
export function isPromotionCodeError(error: unknown): boolean {
  const message = error ? describeError(error) : '';
  return message === 'Invalid promotion code' || message.startsWith('promotionCode ');
}

interface PromotionCodeFieldProps {
  value: string;
  onChange(value: string): void;
  /** The checkout's failure, if any; only one about the code is shown here. */
  error: unknown;
  disabled: boolean;
}

/**
 * The optional code a person types before choosing a plan; sent with the checkout, or carried with
 * the plan through sign-up when a visitor chooses one.
 */
export function PromotionCodeField({ value, onChange, error, disabled }: PromotionCodeFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const invalid = isPromotionCodeError(error);
  return (
    <div className="field promotion-code">
      <label htmlFor={id}>Promotion code</label>
      <input
        id={id}
        name="promotionCode"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={PROMOTION_CODE_MAX_LENGTH}
        placeholder="Optional"
        value={value}
        disabled={disabled}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {invalid && (
        <p id={errorId} className="field-error" role="alert">
          {describeError(error)}
        </p>
      )}
    </div>
  );
}
