// A client frame with its `event:` line, for dialects whose readers dispatch on it (Anthropic's
// Messages stream, the Responses stream: docs/wire-formats.md §1.7, §2.8). `data` is written as
// given; a multi-line data (never from JSON.stringify) keeps one `data:` line per line.
export function frameNamedEvent(event: string, data: string): string {
  const lines = data.includes('\n') ? data.split('\n').join('\ndata: ') : data;
  return `event: ${event}\ndata: ${lines}\n\n`;
}
