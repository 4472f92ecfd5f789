import * as RadixDialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';

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
  return (
    <RadixDialog.Root open={open} onOpenChange={(isOpen) => !isOpen && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        {/* The content describes itself (prices, consequences); no single sentence sums it up. */}
        <RadixDialog.Content className="dialog stack" aria-describedby={undefined}>
          <RadixDialog.Title>{title}</RadixDialog.Title>
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
