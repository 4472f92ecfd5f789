import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { serverError } from '../test-helpers';
import { renderInRouter } from '../test-render';
import { AuthForm } from './auth-form';

function fill(email: string, password: string) {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
}

/** The message a field points at through aria-describedby, if it is marked invalid. */
function fieldError(label: string): string | null {
  const input = screen.getByLabelText(label);
  if (input.getAttribute('aria-invalid') !== 'true') return null;
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
  const message = ids.map((id) => document.getElementById(id)).find((element) => element?.className === 'field-error');
  return message?.textContent ?? null;
}

describe('AuthForm', () => {
  it('submits the email and password, as the server would read them', async () => {
    const onSubmit = vi.fn();
    await renderInRouter(<AuthForm mode="signin" pending={false} error={null} onSubmit={onSubmit} />);
    fill(' Ada@Example.com', 'correct horse');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'correct horse' }));
  });

  it("checks each field with the server's schema and says what is wrong under it", async () => {
    const onSubmit = vi.fn();
    await renderInRouter(<AuthForm mode="signup" pending={false} error={null} onSubmit={onSubmit} />);
    fill('ada@', 'short');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(fieldError('Email')).toBe('email must be a valid email address'));
    expect(fieldError('Password')).toBe('password must be at least 8 characters');
    // The hint stays described too.
    expect(screen.getByLabelText('Password').getAttribute('aria-describedby')).toMatch(/password-hint/);
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
    expect(onSubmit).not.toHaveBeenCalled();

    fill('ada@example.com', 'correct horse');
    await waitFor(() => expect(fieldError('Email')).toBeNull());
    expect(fieldError('Password')).toBeNull();
  });

  it('shows progress and refuses a second submit while pending', async () => {
    const onSubmit = vi.fn();
    await renderInRouter(<AuthForm mode="signin" pending error={null} onSubmit={onSubmit} />);
    fill('ada@example.com', 'correct horse');
    const button = screen.getByRole('button', { name: 'Signing in…' });
    expect(button).toHaveProperty('disabled', true);
    fireEvent.submit(button.closest('form')!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("shows the server's message as an alert", async () => {
    await renderInRouter(
      <AuthForm
        mode="signup"
        pending={false}
        error={serverError('CONFLICT', 'An account with this email already exists')}
        onSubmit={vi.fn()}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('An account with this email already exists');
  });

  it("puts the server's refusal of a field under that field", async () => {
    const tooCommon = 'password is too common: choose one that is harder to guess';
    await renderInRouter(
      <AuthForm
        mode="signup"
        pending={false}
        error={serverError('BAD_REQUEST', tooCommon, [{ path: 'password', message: tooCommon }])}
        onSubmit={vi.fn()}
      />,
    );
    await waitFor(() => expect(fieldError('Password')).toBe(tooCommon));
    expect(fieldError('Email')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('links sign-up and sign-in to each other', async () => {
    const { unmount } = await renderInRouter(
      <AuthForm mode="signup" pending={false} error={null} onSubmit={vi.fn()} />,
    );
    expect(screen.getByRole('button', { name: 'Create account' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin');
    unmount();
    await renderInRouter(<AuthForm mode="signin" pending={false} error={null} onSubmit={vi.fn()} />);
    expect(screen.getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe('/signup');
  });

  it('offers a password reset on sign-in only', async () => {
    const { unmount } = await renderInRouter(
      <AuthForm mode="signin" pending={false} error={null} onSubmit={vi.fn()} />,
    );
    expect(screen.getByRole('link', { name: 'Forgot password?' }).getAttribute('href')).toBe('/forgot-password');
    unmount();
    await renderInRouter(<AuthForm mode="signup" pending={false} error={null} onSubmit={vi.fn()} />);
    expect(screen.queryByRole('link', { name: 'Forgot password?' })).toBeNull();
  });
});
