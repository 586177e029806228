import type { Handlers } from '../dispatch'

type AccountMethods = 'accounts.list' | 'accounts.get' | 'accounts.add' | 'accounts.update' | 'accounts.remove' | 'accounts.test'

export const accountHandlers: Pick<Handlers, AccountMethods> = {
  'accounts.list': (_input, ctx) => ctx.core.accounts.list(),
  'accounts.get': (input, ctx) => ctx.core.accounts.get(input.id),
  'accounts.add': (input, ctx) =>
    ctx.core.accounts.add(
      {
        label: input.label,
        loginName: input.loginName,
        environment: input.environment,
        ...(input.password !== undefined ? { password: input.password } : {}),
        ...(input.baseUrl !== undefined ? { baseUrl: input.baseUrl } : {}),
      },
      ctx.actor,
    ),
  'accounts.update': (input, ctx) =>
    ctx.core.accounts.update(
      input.id,
      {
        ...(input.label !== undefined ? { label: input.label } : {}),
        ...(input.loginName !== undefined ? { loginName: input.loginName } : {}),
        ...(input.password !== undefined ? { password: input.password } : {}),
        ...(input.baseUrl !== undefined ? { baseUrl: input.baseUrl } : {}),
      },
      ctx.actor,
    ),
  'accounts.remove': async (input, ctx) => {
    await ctx.core.accounts.remove(input.id, ctx.actor)
    return { removed: true as const }
  },
  'accounts.test': (input, ctx) => ctx.core.accounts.test(input.id, ctx.actor),
}
