// Sending one record action from a form, for every form that posts to its own AdminJS action: one
// request at a time (a ref, since two clicks in one frame both see the state as it was), one
// Idempotency-Key per opened form that only a final answer spends, the server's notice shown, and
// its redirect followed when the action is done.
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { newIdempotencyKey } from './schema-fields';

const api = new ApiClient();

export function useRecordAction({ action, resource, record }: Pick<ActionProps, 'action' | 'resource' | 'record'>, { fallback }: { fallback: string }) {
  const navigate = useNavigate();
  const addNotice = useNotice();
  const [problem, setProblem] = useState<string | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const key = useRef(newIdempotencyKey());
  const inFlight = useRef(false);

  const send = async (data: Record<string, unknown>) => {
    if (inFlight.current || !record) return;
    inFlight.current = true;
    setSubmitting(true);
    setProblem(null);
    try {
      const { data: answer } = await api.recordAction({
        resourceId: resource.id, recordId: record.id, actionName: action.name, data: { ...data, idempotencyKey: key.current },
      });
      if (answer.notice) addNotice(answer.notice);
      // A final answer spends the key: the next submission is a new request (e.g. a corrected one).
      if (answer.outcome?.isKeySpent) key.current = newIdempotencyKey();
      if (answer.outcome?.isDone && answer.redirectUrl) {
        navigate(answer.redirectUrl);
        return;
      }
      setProblem(answer.notice?.message ?? fallback);
    } catch {
      // No answer: the same key is kept, so submitting again cannot run the action twice.
      setProblem('No answer from the server. Submitting again is safe: it cannot run twice.');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  return { send, problem, setProblem, isSubmitting };
}
