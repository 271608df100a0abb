// The answer a streaming client got, folded back into one chat.completion so the exact response
// cache can store it (docs/caching.md): the committed stream's Chat Completions frames are read as
// they go out, the way a client reads them, without changing a byte of what is written.
import { CompletionCollector } from '../adapt/collect-stream.ts';
import { isJsonObject, type ChatCompletion, type ChatCompletionChunk } from '../core/chat.ts';
import type { CommittedStream } from './committed-stream.ts';

const dataPrefix = 'data: ';

export interface CollectedStream {
  /** The same stream: the same frames reach the sink. */
  stream: CommittedStream;
  /** The whole answer, once the stream ended normally; undefined when it failed or a frame was not a chunk. */
  result(): ChatCompletion | undefined;
}

/** Folds `stream`'s Chat Completions frames (`data: <chunk>` events, as encodeDataEvent writes them) while it is piped. */
export function collectCommittedStream(stream: CommittedStream): CollectedStream {
  const collector = new CompletionCollector();
  let broken = stream.encoder !== undefined;
  let ended = false;
  const read = (frames: string): void => {
    for (const frame of frames.split('\n\n')) {
      if (broken || frame === '') continue;
      if (!frame.startsWith(dataPrefix)) {
        broken = true;
        continue;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(frame.slice(dataPrefix.length));
      } catch {
        chunk = undefined;
      }
      // An in-band error event, or anything but a chunk, makes the answer one not to keep.
      if (!isJsonObject(chunk) || !Array.isArray(chunk.choices)) broken = true;
      else collector.add(chunk as ChatCompletionChunk);
    }
  };
  return {
    stream: {
      encoder: stream.encoder,
      pipeTo(sink, done) {
        stream.pipeTo(
          {
            write(frames) {
              read(frames);
              return sink.write(frames);
            },
            whenDrained: (resume) => {
              sink.whenDrained(resume);
            },
          },
          (end) => {
            ended = end === undefined;
            done(end);
          },
        );
      },
    },
    result: () => (ended && !broken ? collector.result() : undefined),
  };
}
