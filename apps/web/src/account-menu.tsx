import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { Link } from '@tanstack/react-router';
import { useSignOut } from './auth/use-sign-out';

/**
 * The signed-in person's menu in the header of every page: who is signed in, their dashboard, and
 * signing out. Radix's menu: arrow keys move, Esc closes and focus returns to the button.
 */
export function AccountMenu({ email }: { email: string | undefined }) {
  const { signOut, isPending } = useSignOut();
  return (
    // Not modal: a menu leaves the page readable (a modal one hides the whole app with aria-hidden,
    // focusable links and all, which axe rightly flags as aria-hidden-focus).
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="account-trigger">
        <span className="visually-hidden">Account menu: </span>
        <span className="account-email">{email ?? 'Account'}</span>
        <span aria-hidden="true" className="account-caret">
          ▾
        </span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          {email && (
            <DropdownMenu.Label className="menu-label">
              Signed in as <strong>{email}</strong>
            </DropdownMenu.Label>
          )}
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item" asChild>
            <Link to="/dashboard">Dashboard</Link>
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" disabled={isPending} onSelect={signOut}>
            {isPending ? 'Signing out…' : 'Sign out'}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
