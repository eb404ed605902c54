/** Presentational: a typed error as people read it, with its stable code (role="alert"). */
import { describeError, type UiError } from '../model/uiError';

export function ErrorNotice({ error, testId = 'error' }: { error: UiError | null; testId?: string }) {
  if (error === null) return null;
  return (
    <p role="alert" className="error-notice" data-testid={testId} data-code={error.code}>
      {describeError(error)} <span className="error-code">({error.code})</span>
    </p>
  );
}
