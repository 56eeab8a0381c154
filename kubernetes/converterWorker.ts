import { convertTask } from './converter.ts';

// The Piscina worker: one conversion per call. The input and the result cross the thread
// boundary as JSON text rather than objects, because on the main thread JSON.stringify
// and JSON.parse cost less than structured clone's serialize and deserialize: in
// bench/converter.ts about 10% less main-thread time per conversion for a 30 KB Pod, and
// no difference for a one-container task.
export default function convert(inputJson: string): string {
  return JSON.stringify(convertTask(JSON.parse(inputJson)));
}
