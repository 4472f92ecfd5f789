import { useEffect } from 'react';

/** Each page names itself in the tab and in the history list, as screen readers announce it. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Subkit`;
  }, [title]);
}
