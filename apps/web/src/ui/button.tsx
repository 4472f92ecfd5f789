import type { ButtonHTMLAttributes } from 'react';

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** While true the button is disabled and says `pendingLabel`, so a second click cannot resubmit. */
  pending?: boolean;
  pendingLabel?: string;
  variant?: 'primary' | 'secondary';
}

export function Button({
  pending = false,
  pendingLabel,
  variant = 'primary',
  disabled,
  children,
  type = 'button',
  className,
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={['button', `button-${variant}`, className].filter(Boolean).join(' ')}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      {...props}
    >
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}
