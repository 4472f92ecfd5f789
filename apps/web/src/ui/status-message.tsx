interface StatusMessageProps {
  /** The one thing the page is telling the person now; nothing is rendered without one. */
  message: string | undefined;
  /** `notice` for news ("Checkout cancelled"), `progress` for loading. */
  kind?: 'notice' | 'progress';
}

/**
 * A page's single status region. Pages pick the most important message (news before loading) so
 * two live regions never talk at once, and a screen reader hears one sentence.
 */
export function StatusMessage({ message, kind = 'notice' }: StatusMessageProps) {
  if (message === undefined) return null;
  return (
    <p className={kind === 'notice' ? 'notice notice-info' : 'progress'} role="status">
      {message}
    </p>
  );
}
