/** Time is injected so tests can drive it; `now()` is epoch milliseconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** ECS puts timestamps on the wire as epoch seconds with a fraction. */
export const epochSeconds = (clock: Clock): number => clock.now() / 1000;
