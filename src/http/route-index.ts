/** Which methods each registered path answers, so a wrong method can get 405 rather than 404. */
export function createRouteIndex () {
  const paths: Array<{ pattern: RegExp, methods: Set<string> }> = []

  const toPattern = (url: string) => new RegExp('^' + url
    .replace(/\/$/, '')
    .split('/')
    .map((segment) => segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('/') + '/?$')

  return {
    add (method: string | string[], url: string) {
      if (url.includes('*')) return
      const source = toPattern(url).source
      let entry = paths.find((path) => path.pattern.source === source)
      if (entry === undefined) {
        entry = { pattern: new RegExp(source), methods: new Set() }
        paths.push(entry)
      }
      for (const m of [method].flat()) entry.methods.add(m)
    },
    methodsFor (url: string): string[] {
      const path = url.split('?')[0] ?? ''
      const methods = new Set<string>()
      for (const entry of paths) {
        if (entry.pattern.test(path)) entry.methods.forEach((m) => methods.add(m))
      }
      return [...methods].sort()
    }
  }
}
