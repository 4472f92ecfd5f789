import { Link } from '@tanstack/react-router';
import { useDocumentTitle } from './ui/use-document-title';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <div className="stack">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to the start page</Link>
      </p>
    </div>
  );
}
