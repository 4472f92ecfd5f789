import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeResult } from '../test-helpers';
import { renderWithServer } from '../test-render';
import { ChangePasswordForm } from './change-password-form';

afterEach(() => {
  vi.unstubAllGlobals();
});

function fill(current: string, next: string) {
  fireEvent.change(screen.getByLabelText('Current password'), { target: { value: current } });
  fireEvent.change(screen.getByLabelText('New password'), { target: { value: next } });
  fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('ChangePasswordForm', () => {
  it("checks the new password with the server's own rules, under the field, before asking the server", async () => {
    const changePassword = vi.fn((): FakeResult => ({ data: { changed: true, revokedSessions: 0 } }));
    renderWithServer(<ChangePasswordForm />, { 'auth.changePassword': changePassword });
    fill('old password', 'short');
    const input = screen.getByLabelText('New password');
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    const messageId = input.getAttribute('aria-describedby')?.split(' ').at(-1) ?? '';
    expect(document.getElementById(messageId)?.textContent).toBe('password must be at least 8 characters');
    expect(changePassword).not.toHaveBeenCalled();
  });

  it('shows a refusal that names no field once, for the whole form, and reports the sessions signed out', async () => {
    const answers: FakeResult[] = [
      { error: 'BAD_REQUEST', message: 'The current password is not right' },
      { data: { changed: true, revokedSessions: 2 } },
    ];
    const changePassword = vi.fn((): FakeResult => answers.shift() ?? { data: null });
    renderWithServer(<ChangePasswordForm />, { 'auth.changePassword': changePassword });
    fill('wrong password', 'a brand new horse battery');
    expect((await screen.findByRole('alert')).textContent).toContain('The current password is not right');
    expect(screen.getByLabelText('New password').getAttribute('aria-invalid')).toBeNull();

    fill('right password', 'a brand new horse battery');
    expect((await screen.findByRole('status')).textContent).toBe('Password changed. 2 other sessions were signed out.');
    expect(changePassword).toHaveBeenLastCalledWith({
      currentPassword: 'right password',
      newPassword: 'a brand new horse battery',
    });
  });
});
