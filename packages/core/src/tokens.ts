import type { DependencyContainer } from 'tsyringe';

declare const tokenType: unique symbol;

/**
 * A DI token for an interface or a value: a namespaced symbol that carries the type it resolves to.
 * `Symbol.for` keeps tokens equal across duplicate copies of this module in a workspace.
 */
export type Token<T> = symbol & { readonly [tokenType]?: T };

/** Makes the token `Symbol.for('@bcs/core:<name>')` for values of type `T`. */
export function createToken<T>(name: string): Token<T> {
  return Symbol.for(`@bcs/core:${name}`) as Token<T>;
}

/** Resolves a token from a container with its type, so no caller writes the type by hand. */
export function resolveToken<T>(container: DependencyContainer, token: Token<T>): T {
  return container.resolve<T>(token);
}
