/**
 * Where the client keeps the session token. The default keeps it in memory; on a phone, give it an
 * adapter over secure storage (expo-secure-store, react-native-keychain) so a login survives restarts.
 */
export interface TokenStorage {
  get (): Promise<string | null> | string | null
  set (token: string): Promise<void> | void
  clear (): Promise<void> | void
}

export function memoryStorage (initial: string | null = null): TokenStorage {
  let token = initial
  return {
    get: () => token,
    set: (value) => { token = value },
    clear: () => { token = null }
  }
}
