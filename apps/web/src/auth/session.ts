import { useSyncExternalStore } from 'react';

/**
 * The session token lives in localStorage so a reload keeps the person signed in. Components read
 * it through `useToken` so the header and guards update the moment it changes, in this tab or another.
 */
const TOKEN_KEY = 'subkit.token';
const listeners = new Set<() => void>();

export function getToken(): string | null {
  return window.localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string): void {
  window.localStorage.setItem(TOKEN_KEY, token);
  notify();
}

export function clearToken(): void {
  window.localStorage.removeItem(TOKEN_KEY);
  notify();
}

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab signing in or out fires `storage` here.
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken);
}
