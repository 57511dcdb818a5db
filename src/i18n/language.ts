/** The languages `message` is written in. `error` names never change with the language. */
export type Language = 'en' | 'zh-CN'

// Traditional Chinese is not served: a zh-TW/zh-HK/zh-Hant reader falls through to their next choice.
const TRADITIONAL = /^zh-(hant|tw|hk|mo)\b/

const languageOfTag = (tag: string): Language | null => {
  const lower = tag.toLowerCase()
  if (lower === 'en' || lower.startsWith('en-')) return 'en'
  if (lower === 'zh' || (lower.startsWith('zh-') && !TRADITIONAL.test(lower))) return 'zh-CN'
  return null
}

/**
 * The best supported language for an Accept-Language header (RFC 9110 §12.5.4): the highest q-value
 * wins, the header's order breaks ties, q=0 means "not this one"; English when nothing matches.
 */
export function pickLanguage (acceptLanguage: string | undefined): Language {
  if (acceptLanguage === undefined || acceptLanguage === '') return 'en'
  let best: Language = 'en'
  let bestQ = 0
  for (const part of acceptLanguage.slice(0, 512).split(',')) {
    const [tag = '', ...params] = part.trim().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!Number.isFinite(q) || q <= bestQ) continue
    const language = languageOfTag(tag.trim())
    if (language !== null) { best = language; bestQ = q }
  }
  return best
}
