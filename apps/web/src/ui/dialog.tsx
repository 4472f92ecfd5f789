import * as RadixDialog from '@radix-ui/react-dialog';
import { type ReactNode, useRef } from 'react';

interface DialogProps {
  open: boolean;
  title: string;
  /** Called when the dialog closes itself: Esc, a click outside, or a button that closes it. */
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal on Radix's dialog: the rest of the page is inert and hidden from screen readers, focus
 * stays inside, Esc closes it and focus goes back to what opened it. Its content mounts only while
 * open, so each opening starts fresh.
 */
export function Dialog({ open, title, onClose, children }: DialogProps) {
  // Radix returns focus to a <Dialog.Trigger>; ours open from any button (a plan card, an action),
  // so the dialog remembers whatever had focus when it opened and gives focus back to it.
  const opener = useRef<HTMLElement | null>(null);
  return (
    <RadixDialog.Root open={open} onOpenChange={(isOpen) => !isOpen && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        {/* The content describes itself (prices, consequences); no single sentence sums it up. */}
        <RadixDialog.Content
          className="dialog stack"
          aria-describedby={undefined}
          onOpenAutoFocus={() => {
            opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          }}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            opener.current?.focus();
          }}
        >
          <RadixDialog.Title>{title}</RadixDialog.Title>
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
