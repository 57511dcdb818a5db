/** The naive port's Redis keys (bench/peers/naive-port.ts), shared with the bench's seeding (bench/seed.ts). */
export const NAIVE_PREFIX = 'naive:'
/** The token as given, unhashed → the user id. */
export const naiveTokenKey = (token: string) => `${NAIVE_PREFIX}token:${token}`
/** A hash of the user's public fields: phone_number, nickname ('' for none), register_time. */
export const naiveUserKey = (id: number | string) => `${NAIVE_PREFIX}user:${id}`
