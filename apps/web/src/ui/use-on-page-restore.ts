import { useEffect } from 'react';

/**
 * Runs `callback` when the browser's Back button restores this page from its back/forward cache.
 * A page that redirected away would otherwise come back frozen mid-"Redirecting…".
 */
export function useOnPageRestore(callback: () => void): void {
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) callback();
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, [callback]);
}
