import { Piscina } from 'piscina';
import type { ConversionInput, ConversionResult } from './converter.ts';

// Conversions off the event loop, in worker threads. The worker is a .ts file: when the
// process runs under tsx (`npx tsx …` or `node --import tsx …`), worker threads inherit
// its loader through execArgv, so no build step is needed. Input and result travel as
// JSON text (see converterWorker.ts); callers see objects.

export interface ConverterPoolOptions {
  minThreads?: number;
  maxThreads?: number;
}

export interface ConverterPool {
  convert(input: ConversionInput): Promise<ConversionResult>;
  /** Finishes queued conversions, then stops the threads. Calling it again is harmless. */
  close(): Promise<void>;
}

const WORKER = new URL('./converterWorker.ts', import.meta.url);

export function createConverterPool(options: ConverterPoolOptions = {}): ConverterPool {
  const pool = new Piscina<string, string>({
    filename: WORKER.href,
    ...(options.minThreads !== undefined ? { minThreads: options.minThreads } : {}),
    ...(options.maxThreads !== undefined ? { maxThreads: options.maxThreads } : {}),
  });
  // Piscina 5.3 accepts work again once close() has finished, starting fresh threads
  // that keep the process alive; a closed converter pool must stay closed.
  let closing: Promise<void> | undefined;
  return {
    // async, so an input JSON cannot express rejects like a failed conversion does.
    async convert(input) {
      if (closing) throw new Error('converter pool is closed');
      return JSON.parse(await pool.run(JSON.stringify(input))) as ConversionResult;
    },
    close: () => (closing ??= pool.close()),
  };
}
