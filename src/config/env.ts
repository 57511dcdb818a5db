import envSchema from 'env-schema'
import { Type, type Static } from '@sinclair/typebox'

/** The SMS_PROVIDER choices; each has a file in src/sms/providers/. */
export const SMS_PROVIDER_NAMES = ['log', 'webhook', 'twilio'] as const

/** Comma-separated secrets, each at least 32 characters (a shorter key is a bad value). */
const KeyList = Type.String({ pattern: '^[^,\\s]{32,}(,[^,\\s]{32,})*$', description: 'comma-separated keys of at least 32 characters' })

const Seconds = (defaultValue: number) => Type.Integer({ minimum: 1, maximum: 31_536_000, default: defaultValue })

export const EnvSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  MYSQL_URL: Type.Optional(Type.String({ pattern: '^mysql://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_CLUSTER_NODES: Type.Optional(Type.String({ pattern: '^[^,:\\s]+:\\d+(,[^,:\\s]+:\\d+)*$' })),
  SESSION_TTL_SECONDS: Seconds(2_592_000),
  MAX_SESSIONS_PER_USER: Type.Integer({ minimum: 1, maximum: 100, default: 1 }),
  SESSION_SLIDING: Type.Boolean({ default: true }),
  PASSWORD_MIN_LENGTH: Type.Integer({ minimum: 1, maximum: 128, default: 8 }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_FAILURE_WINDOW_SECONDS: Seconds(900),
  IP_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 100 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' }
  ),
  TRUST_PROXY: Type.String({ default: 'false' }),
  // Development only: where npm start keeps its private MariaDB and Redis (default .data/).
  SESAME_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DEPENDENCY_WAIT_SECONDS: Type.Integer({ minimum: 0, maximum: 300, default: 20 }),
  // docs/API.md §9; which variables each provider needs is checked by `checkCombinations` below.
  PHONE_VERIFICATION: Type.Union([Type.Literal('off'), Type.Literal('required')], { default: 'off' }),
  SMS_PROVIDER: Type.Union(SMS_PROVIDER_NAMES.map((name) => Type.Literal(name)), { default: 'log' }),
  SMS_CODE_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }),
  SMS_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMS_WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3000, default: 2500 }),
  TWILIO_ACCOUNT_SID: Type.Optional(Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' })),
  TWILIO_AUTH_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  TWILIO_FROM: Type.Optional(Type.String({ pattern: '^(\\+[0-9]{6,15}|MG[0-9a-fA-F]{32}|[A-Za-z0-9 ]{1,11})$' })),
  TWILIO_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  // Scale-out and operations (docs/DEPLOY.md)
  WORKERS: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
  METRICS_HOST: Type.Optional(Type.String({ minLength: 1 })),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000 }),
  MAX_HEAP_USED_BYTES: Type.Integer({ minimum: 0, default: 0 }),
  // docs/API.md §15: settings of the account's life, SMS abuse, your own API, protection and events
  DEFAULT_COUNTRY: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  REQUEST_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 600, default: 10 }),
  SMS_LOGIN_REGISTERS: Type.Boolean({ default: false }),
  SMS_ALLOWED_COUNTRIES: Type.Optional(Type.String({ pattern: '^[A-Z]{2}(,[A-Z]{2})*$' })),
  SMS_LIMIT_PER_PREFIX_HOURLY: Type.Integer({ minimum: 1, default: 20 }),
  SMS_LIMIT_PER_COUNTRY_HOURLY: Type.Integer({ minimum: 1, default: 1000 }),
  SMS_LIMIT_DAILY: Type.Integer({ minimum: 1, default: 10_000 }),
  SMS_CHALLENGE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMS_TEST_NUMBERS: Type.Optional(Type.String({ pattern: '^\\+[0-9]{6,15}=[0-9]{6}(,\\+[0-9]{6,15}=[0-9]{6})*$' })),
  SMS_TEST_NUMBERS_UNTIL: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?$', description: 'an ISO 8601 date' })),
  SERVICE_KEYS: Type.Optional(KeyList),
  ADMIN_KEYS: Type.Optional(KeyList),
  PWNED_PASSWORDS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  PWNED_PASSWORDS_FAIL_OPEN: Type.Boolean({ default: true }),
  SESSION_MAX_LIFETIME_SECONDS: Type.Integer({ minimum: 0, maximum: 315_360_000, default: 15_552_000 }),
  WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  // Operations (issue 14) and the in-memory session cache (issue 12)
  // Comma-separated origins allowed to call from a browser (plugins/cors.ts); unset: no CORS headers at all.
  CORS_ORIGINS: Type.Optional(Type.String({ pattern: '^https?://[^,/\\s]+(,https?://[^,/\\s]+)*$', description: 'comma-separated origins, e.g. https://app.example.com' })),
  SHUTDOWN_DRAIN_SECONDS: Type.Integer({ minimum: 0, maximum: 300, default: 0 }),
  DOCS_ENABLED: Type.Boolean({ default: true }),
  SESSION_CACHE_SIZE: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0, description: 'resolved sessions kept in memory that Redis invalidates (SPEC §12); 0, the default: none, so a revocation on one instance is refused by the next request on every other' })
})

export type Config = Static<typeof EnvSchema>
export type SmsProviderName = (typeof SMS_PROVIDER_NAMES)[number]
export type RawEnv = Record<string, string | undefined>

/**
 * Validates and coerces the environment once, at start. A bad value throws an
 * error whose message names the variable, e.g. `env/PORT must be <= 65535`.
 */
export function loadConfig (env: RawEnv): Config {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const config = envSchema<Config>({ schema: structuredClone(EnvSchema), data: defined, env: false, dotenv: false })
  checkCombinations(config)
  return config
}

/** A configuration error in the same shape as env-schema's, e.g. `env/SMS_WEBHOOK_URL is required …`. */
export const configError = (variable: string, problem: string) => new Error(`env/${variable} ${problem}`)

const PROVIDER_SETTINGS: Record<Config['SMS_PROVIDER'], Array<keyof Config>> = {
  log: [],
  webhook: ['SMS_WEBHOOK_URL'],
  twilio: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']
}

/** Rules that span variables: what the chosen SMS provider needs, and what production refuses. */
function checkCombinations (config: Config) {
  if (config.SMS_PROVIDER === 'log' && config.NODE_ENV === 'production') {
    throw configError('SMS_PROVIDER', 'must not be log when NODE_ENV=production (it writes codes to the log); use webhook or twilio')
  }
  if (config.SMS_TEST_NUMBERS_UNTIL !== undefined && Number.isNaN(Date.parse(config.SMS_TEST_NUMBERS_UNTIL))) {
    throw configError('SMS_TEST_NUMBERS_UNTIL', 'must be a valid ISO 8601 date')
  }
  if (config.SMS_TEST_NUMBERS !== undefined && config.SMS_TEST_NUMBERS_UNTIL === undefined && config.NODE_ENV === 'production') {
    throw configError('SMS_TEST_NUMBERS_UNTIL', 'is required when SMS_TEST_NUMBERS is set and NODE_ENV=production (test numbers must end)')
  }
  // SPEC §14: webhooks need both; one alone would silently send nothing (or sign nothing).
  if ((config.WEBHOOK_URL === undefined) !== (config.WEBHOOK_SECRET === undefined)) {
    throw configError(config.WEBHOOK_URL === undefined ? 'WEBHOOK_URL' : 'WEBHOOK_SECRET', 'is required when the other of WEBHOOK_URL and WEBHOOK_SECRET is set')
  }
  for (const variable of PROVIDER_SETTINGS[config.SMS_PROVIDER]) {
    const value = config[variable]
    if (value === undefined || value === '') throw configError(variable, `is required when SMS_PROVIDER=${config.SMS_PROVIDER}`)
  }
}

/** TRUST_PROXY as Fastify's `trustProxy` option: true/false, a hop count, or a list of addresses or CIDRs. */
export function trustProxySetting (value: string): boolean | string | ((address: string, hop: number) => boolean) {
  if (value === 'true') return true
  if (value === 'false') return false
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    return (_address, hop) => hop < hops
  }
  return value
}
