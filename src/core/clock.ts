/** Milliseconds since the epoch; injected so expiry logic and signing are testable. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
