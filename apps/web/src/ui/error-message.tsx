import { describeError } from './describe-error';

/** A failure, announced to screen readers as soon as it appears. */
export function ErrorMessage({ error }: { error: unknown }) {
  return (
    <p className="notice notice-error" role="alert">
      {describeError(error)}
    </p>
  );
}
