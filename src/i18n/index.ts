import { ERRORS, type ErrorName } from '../http/errors.js'
import { ERROR_MESSAGES_ZH, MESSAGES_ZH } from './zh-CN.js'
import { pickLanguage, type Language } from './language.js'

export { pickLanguage, type Language } from './language.js'

const isErrorName = (name: unknown): name is ErrorName => typeof name === 'string' && Object.hasOwn(ERRORS, name)

/**
 * `message` of a reply body in `language`. A failure's message is translated from the error table by
 * its `error` name, unless a more specific English message has its own translation; a validation
 * message (from Ajv, naming the field) keeps its English detail after a Chinese lead-in.
 */
export function translateMessage (language: Language, message: string, error?: unknown): string {
  if (language === 'en') return message
  const exact = MESSAGES_ZH[message]
  if (exact !== undefined) return exact
  if (!isErrorName(error)) return message
  if (error === 'validation_failed' && message !== ERRORS.validation_failed.message) return `${ERROR_MESSAGES_ZH.validation_failed}：${message}`
  return ERROR_MESSAGES_ZH[error]
}

/** The body with its `message` in the language the Accept-Language header asks for; untouched in English. */
export function localizeBody<T> (acceptLanguage: string | undefined, body: T): T {
  if (acceptLanguage === undefined) return body
  const language = pickLanguage(acceptLanguage)
  if (language === 'en' || body === null || typeof body !== 'object') return body
  const { message, error } = body as { message?: unknown, error?: unknown }
  if (typeof message !== 'string') return body
  return { ...body, message: translateMessage(language, message, error) }
}
