import neostandard from 'neostandard'

export default neostandard({ ts: true, ignores: ['dist/**', 'client/dist/**', 'packages/*/dist/**', '.data/**', '.tap/**', 'node_modules/**'] })
