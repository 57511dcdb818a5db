// Errors that mean MySQL or Redis is down, slow or overloaded, rather than a bug: they answer 503.
const MYSQL_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'POOL_CLOSED', 'POOL_ENQUEUELIMIT',
  'ER_CON_COUNT_ERROR', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK', 'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED', 'ER_NO_SUCH_TABLE', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR'
])
const REDIS_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError'])
const REDIS_MESSAGES = /^(Command timed out|Connection is closed|Stream isn't writeable|LOADING|READONLY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|BUSY|MISCONF|OOM|Failed to refresh slots cache|None of startup nodes|Too many Cluster redirections)/

/** A dependency did not answer in time; thrown by our own deadlines around a whole call. */
export class DependencyTimeoutError extends Error {
  override name = 'DependencyTimeoutError'
}

/**
 * Node's error for a client that hung up mid-request ("aborted", ECONNRESET, from no system call): the same
 * code as a MySQL socket reset, but the client's doing, so no dependency failure (SPEC §5).
 */
export function isClientAbort (err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const { code, syscall } = err as Error & { code?: unknown, syscall?: unknown }
  return code === 'ECONNRESET' && err.message === 'aborted' && syscall === undefined
}

export function isDependencyFailure (err: unknown): boolean {
  if (!(err instanceof Error) || isClientAbort(err)) return false
  if (err instanceof DependencyTimeoutError) return true
  const { code, fatal } = err as Error & { code?: unknown, fatal?: unknown }
  if (typeof code === 'string' && MYSQL_CODES.has(code)) return true
  if (fatal === true) return true
  if (REDIS_NAMES.has(err.name) || REDIS_MESSAGES.test(err.message)) return true
  return err.cause !== undefined && err.cause !== err && isDependencyFailure(err.cause)
}

/** Which dependency an error came from, for metrics: Redis (including its error replies), MySQL, or neither. */
export function dependencyOf (err: unknown): 'redis' | 'mysql' | null {
  if (!(err instanceof Error) || isClientAbort(err)) return null
  if (REDIS_NAMES.has(err.name) || REDIS_MESSAGES.test(err.message) || err.name === 'ReplyError') return 'redis'
  const { sqlState } = err as Error & { sqlState?: unknown }
  if (typeof sqlState === 'string' || isDependencyFailure(err)) return 'mysql'
  return err.cause !== undefined && err.cause !== err ? dependencyOf(err.cause) : null
}
