import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { serverError } from '../test-helpers';
import { AuthForm } from './auth-form';

describe('AuthForm', () => {
  it('submits the email and password', () => {
    const onSubmit = vi.fn();
    render(<AuthForm mode="signin" pending={false} error={null} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(onSubmit).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'correct horse' });
  });

  it('shows progress and refuses a second submit while pending', () => {
    const onSubmit = vi.fn();
    render(<AuthForm mode="signin" pending error={null} onSubmit={onSubmit} />);
    const button = screen.getByRole('button', { name: 'Signing in…' });
    expect(button).toHaveProperty('disabled', true);
    fireEvent.submit(button.closest('form')!);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("shows the server's message as an alert", () => {
    render(
      <AuthForm
        mode="signup"
        pending={false}
        error={serverError('CONFLICT', 'An account with this email already exists')}
        onSubmit={vi.fn()}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('An account with this email already exists');
  });

  it('links sign-up and sign-in to each other', () => {
    const { unmount } = render(<AuthForm mode="signup" pending={false} error={null} onSubmit={vi.fn()} />);
    expect(screen.getByRole('button', { name: 'Create account' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin');
    unmount();
    render(<AuthForm mode="signin" pending={false} error={null} onSubmit={vi.fn()} />);
    expect(screen.getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe('/signup');
  });

  it('offers a password reset on sign-in only', () => {
    const { unmount } = render(<AuthForm mode="signin" pending={false} error={null} onSubmit={vi.fn()} />);
    expect(screen.getByRole('link', { name: 'Forgot password?' }).getAttribute('href')).toBe('/forgot-password');
    unmount();
    render(<AuthForm mode="signup" pending={false} error={null} onSubmit={vi.fn()} />);
    expect(screen.queryByRole('link', { name: 'Forgot password?' })).toBeNull();
  });
});
