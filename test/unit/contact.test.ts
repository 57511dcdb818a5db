import t from 'tap'
import { contactOf, repositoryWebUrl } from '../../src/config/contact.js'

// Issue 14: the OpenAPI contact is derived from package.json, in each of the forms npm accepts.

t.test('repository forms become the web address', async (t) => {
  const cases: Array<[string | { url: string }, string]> = [
    ['acme/sesame', 'https://github.com/acme/sesame'],
    ['github:acme/sesame', 'https://github.com/acme/sesame'],
    ['gitlab:acme/sesame', 'https://gitlab.com/acme/sesame'],
    ['bitbucket:acme/sesame', 'https://bitbucket.org/acme/sesame'],
    [{ url: 'git+https://github.com/acme/sesame.git' }, 'https://github.com/acme/sesame'],
    [{ url: 'https://git.acme.cn/team/sesame/' }, 'https://git.acme.cn/team/sesame'],
    [{ url: 'git@github.com:acme/sesame.git' }, 'https://github.com/acme/sesame'],
    [{ url: 'ssh://git@git.acme.cn/team/sesame.git' }, 'https://git.acme.cn/team/sesame'],
    [{ url: 'git://github.com/acme/sesame.git' }, 'https://github.com/acme/sesame']
  ]
  for (const [repository, web] of cases) t.equal(repositoryWebUrl(repository), web, JSON.stringify(repository))
  t.equal(repositoryWebUrl(undefined), undefined)
  t.equal(repositoryWebUrl({ url: 'not a url' }), undefined)
})

t.test('bugs first, then the repository\'s issues, then SECURITY.md; nothing is invented', async (t) => {
  t.same(contactOf({ bugs: 'https://tracker.acme.cn/sesame', repository: 'acme/sesame' }), { name: 'Sesame issues', url: 'https://tracker.acme.cn/sesame' })
  t.same(contactOf({ bugs: { email: 'security@acme.cn' } }), { name: 'Sesame issues', email: 'security@acme.cn' })
  t.same(contactOf({ repository: { url: 'git+https://github.com/acme/sesame.git' } }), { name: 'Sesame issues', url: 'https://github.com/acme/sesame/issues' })
  const fallback = contactOf({})
  t.same(Object.keys(fallback), ['name'], 'no url or email when package.json has none')
  t.match(fallback.name, /SECURITY\.md/)
})
