// A progress bar for long hunts, shown only on a terminal (files, records, detections, rate, ETA by bytes).
import cliProgress from 'cli-progress';

/** What the hunt reports as it goes. */
export interface ProgressState {
  filesDone: number;
  files: number;
  bytesDone: number;
  bytes: number;
  records: number;
  detections: number;
  /** True when the input's size is not known (a stream): records and their rate only, no share done or ETA. */
  sizeUnknown?: boolean;
}

/** A progress display; a no-op when not on a TTY. */
export interface Progress {
  update(state: ProgressState): void;
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

/** A progress bar on `stream` when it is a TTY (and `enabled`), otherwise nothing. */
export function createProgress(stream: NodeJS.WritableStream, enabled: boolean): Progress {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  if (!enabled || !tty) return NONE;
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  const barFor = (sizeUnknown: boolean) =>
    new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: sizeUnknown
          ? ' files {filesDone}/{files} | {records} records | {detections} detections | {rate} records/s'
          : ' {bar} {percentage}% | files {filesDone}/{files} | {records} records | {detections} detections | {rate}/s | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
        fps: 5,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
  return {
    update(s) {
      const secs = (Date.now() - started) / 1000;
      const payload = {
        filesDone: s.filesDone,
        files: s.files,
        records: s.records.toLocaleString('en-US'),
        detections: s.detections.toLocaleString('en-US'),
        rate: secs > 0 ? Math.round(s.records / secs).toLocaleString('en-US') : '0',
      };
      if (!bar) {
        bar = barFor(s.sizeUnknown === true);
        bar.start(Math.max(1, s.bytes), s.bytesDone, payload);
      } else bar.update(s.bytesDone, payload);
    },
    stop() {
      bar?.stop();
    },
  };
}
