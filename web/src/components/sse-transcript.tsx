// An SSE transcript made readable: the assembled answer first, then each event with what it carried
// (text, reasoning, tool-call pieces, finish reason, usage, in-band errors) and its raw bytes.
import { useMemo, useState, type ReactNode } from 'react';
import { useT } from '../i18n/i18n.tsx';
import { parseSseTranscript, summarizeChunk } from '../lib/sse.ts';

export function SseTranscript({ transcript }: { transcript: string }): ReactNode {
  const t = useT();
  const [showRaw, setShowRaw] = useState(false);
  const events = useMemo(() => parseSseTranscript(transcript).map((event) => ({ event, summary: summarizeChunk(event.data) })), [transcript]);
  const answer = events.map(({ summary }) => summary.content).join('');
  const reasoning = events.map(({ summary }) => summary.reasoning).join('');
  const dataEvents = events.filter(({ event }) => event.data !== '').length;
  return (
    <div className="sse" data-testid="sse-transcript">
      <div className="card-header">
        <span className="muted">{t('sse.count', { events: dataEvents, comments: events.length - dataEvents })}</span>
        <label className="field inline">
          <input type="checkbox" checked={showRaw} onChange={(event) => { setShowRaw(event.target.checked); }} />
          <span>{t('sse.raw')}</span>
        </label>
      </div>
      {showRaw ? (
        <pre className="block">{transcript}</pre>
      ) : (
        <>
          {reasoning !== '' && (
            <>
              <h3>{t('sse.reasoning')}</h3>
              <div className="answer">{reasoning}</div>
            </>
          )}
          <h3>{t('sse.assembled')}</h3>
          <div className="answer" data-testid="sse-assembled">
            {answer}
          </div>
          <h3 style={{ marginTop: 12 }}>{t('sse.events')}</h3>
          <div className="sse-events">
            {events.map(({ event, summary }, index) => {
              const kind = summary.done ? 'done' : summary.error !== undefined ? 'error' : event.data === '' ? 'comment' : '';
              return (
                <div key={index} className={`sse-event ${kind}`}>
                  <span className="index">#{index + 1}</span>
                  <div>
                    {event.event !== undefined && <span className="badge">{event.event}</span>}{' '}
                    {event.data === '' && <span className="raw">: {event.comments.join(' ')}</span>}
                    {summary.done && <span className="delta">[DONE]</span>}
                    {summary.error !== undefined && <span className="delta error-message">{summary.error}</span>}
                    {summary.content !== '' && <span className="delta">“{summary.content}”</span>}
                    {summary.reasoning !== '' && <span className="delta muted"> {t('sse.reasoningShort')}: “{summary.reasoning}”</span>}
                    {summary.toolCalls !== '' && <span className="delta mono"> {t('sse.toolCall')}: {summary.toolCalls}</span>}
                    {summary.finishReason !== undefined && <span className="badge ok">finish: {summary.finishReason}</span>}{' '}
                    {summary.usage !== undefined && <span className="badge info">{summary.usage}</span>}
                    {!summary.done && event.data !== '' && <div className="raw">{event.data}</div>}
                  </div>
                </div>
              );
            })}
          </div>
        </>
      )}
    </div>
  );
}
