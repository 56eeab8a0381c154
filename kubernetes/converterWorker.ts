import { convertTask, type ConversionInput, type ConversionResult } from './converter.ts';

// The Piscina worker: one conversion per call. The input and the Pod cross the thread
// boundary by structured clone, which is why the converter keeps both plain JSON.
export default function convert(input: ConversionInput): ConversionResult {
  return convertTask(input);
}
