export {
  CorruptRecordingError,
  openRecording,
  type Recording,
  type RecordingEntry,
} from './recording-reader.ts';
export { RecordingWriter } from './recording-writer.ts';
export { RECORDING_FORMAT, RECORDING_VERSION, RecordingHeader } from './schema.ts';
